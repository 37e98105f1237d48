
const data = JSON.parse(document.getElementById('matrix-data').textContent);
const panel = document.getElementById('evidence');
function td(row, text) {
  const c = document.createElement('td'); c.textContent = text; row.appendChild(c);
}
function show(button) {
  document.querySelectorAll('.matrix button.on').forEach(b => b.classList.remove('on'));
  button.classList.add('on');
  const cell = data.cells[Number(button.dataset.cell)];
  panel.replaceChildren();
  const title = document.createElement('h2');
  title.textContent = cell.jurisdiction + ' \u00b7 ' + cell.topic + ': ' + cell.coverage;
  panel.appendChild(title);
  if (cell.decided_by.length) {
    const p = document.createElement('p'); p.className = 'decided-by';
    p.textContent = 'Decided by: ' + cell.decided_by.map(d =>
      d.citation + ' (' + d.document + (d.page ? ', p. ' + d.page : '') + ')').join('; ');
    panel.appendChild(p);
  }
  if (!cell.evidence.length) {
    const p = document.createElement('p'); p.textContent = 'No provision carries this topic.';
    panel.appendChild(p); return;
  }
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  ['document', 'citation', 'page', 'status', 'score', 'role', 'reviewed'].forEach(h => {
    const th = document.createElement('th'); th.textContent = h; head.appendChild(th); });
  const body = table.createTBody();
  cell.evidence.forEach(e => {
    const row = body.insertRow();
    td(row, e.title && e.title !== e.document ? e.document + ' (' + e.title + ')' : e.document);
    td(row, e.citation); td(row, e.page ?? '');
    td(row, e.status); td(row, e.score == null ? '' : e.score.toFixed(2));
    td(row, e.role); td(row, e.reviewed ? 'yes' : '');
  });
  panel.appendChild(table);
}
document.querySelectorAll('.matrix button')
  .forEach(b => b.addEventListener('click', () => show(b)));
