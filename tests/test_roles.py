"""The kinds of miss of issue 14, each on our own invented statutes (tests/statutes/) in two
languages, through the real pipeline (read, split, tag with the shipped model, SQLite store,
coverage matrix); and the parts it is made of: mentions, clauses, parts, the role model."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.mentions import MentionKind, find_mentions
from classifiers.nlp import get_nlp
from classifiers.roles import Role, build_role_model, parts_named
from classifiers.tagger import Tagger
from corpus.clauses import split_clauses
from corpus.decisive import DecisiveKind
from corpus.model import DocumentMeta, Evidence
from corpus.store import Store, StoredProvision
from flows.steps import ingest, tag
from reports.matrix import build_matrix

STATUTES = Path(__file__).parent / "statutes"
EXCLUSIONS = {
    "en": "XQ_Industrial_Employment_Code_2022.md",
    "es": "XQ_Codigo_de_Empleo_Industrial_2020.md",
}
INCLUSIONS = {
    "en": "XR_Conditions_of_Work_Act_2023.md",
    "es": "XR_Ley_de_Condiciones_de_Trabajo_2019.md",
}
# the misses seen first-sight on the eight laws of 2026-12-04
WORK_AT_HOME = {"en": "XV_Hours_of_Work_Act_2024.md", "es": "XV_Ley_de_Jornada_de_Trabajo_2018.md"}
HOME_WORK = {"en": "XU_Home_Work_Act_2017.md", "es": "XU_Ley_de_Trabajo_a_Domicilio_2016.md"}
CITE = {"en": "s.", "es": "art."}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The eight statutes, each its own jurisdiction, tagged by the shipped model."""
    tagger = Tagger.load()
    with Store(tmp_path_factory.mktemp("roles") / "roles.sqlite") as store:
        statutes = (EXCLUSIONS, INCLUSIONS, WORK_AT_HOME, HOME_WORK)
        for lang, name in [item for statutes_of in statutes for item in statutes_of.items()]:
            meta = DocumentMeta(jurisdiction=Path(name).stem, language=lang, title=Path(name).stem)
            outcome = ingest(store, STATUTES / name, meta)
            assert outcome.status == "ingested", outcome.message
            tag(store, tagger, outcome.document_id)
        yield store


def provisions_of(store: Store, name: str) -> dict[str, StoredProvision]:
    document = next(d for d in store.documents() if d.name == name)
    return {p.provision.citation: p for p in store.provisions(document_id=document.id)}


def roles_of(stored: StoredProvision) -> list[Evidence]:
    assert stored.tag is not None
    return [e for e in stored.tag.evidence if e.kind == "role"]


def exclusion_in(store: Store, name: str, citation: str) -> tuple[StoredProvision, Evidence]:
    """A provision tagged `excludes`, and the one mention role that excludes."""
    stored = provisions_of(store, name)[citation]
    assert stored.status == "excludes"
    (excluding,) = [e for e in roles_of(stored) if e.role == Role.EXCLUDES]
    return stored, excluding


# --------------------------------------------------------------------------- the misses


@pytest.mark.parametrize(
    "lang,citation,clause",
    [("en", "s. 2", "s. 2(f)(iii)"), ("es", "art. 2", "art. 2(d)(2)")],
)
def test_exclusion_in_a_lettered_subclause_of_a_definition(store, lang, citation, clause):
    # (a) one sub-clause of the "worker" definition leaves out the out-worker, after a
    # ";"-chained list of other definitions: the exclusion is found in its sub-clause
    stored = provisions_of(store, EXCLUSIONS[lang])[citation]
    assert stored.status == "excludes"
    excluding = [e for e in roles_of(stored) if e.role == Role.EXCLUDES]
    assert {e.clause for e in excluding} == {clause}
    text = stored.provision.text
    assert all(text[e.start : e.end].startswith(("(iii)", "2.")) for e in excluding)
    assert all(e.parts == [] for e in excluding)  # out of the definition: the whole law


@pytest.mark.parametrize("lang", ["en", "es"])
def test_exclusion_of_named_sections_long_before_the_homework_term(store, lang):
    # (b) "The provisions of sections 12, 13 and 17 shall not apply with respect to ...
    # any homeworker engaged in ...": the cue stands twenty words and more before the term
    stored, excluding = exclusion_in(store, EXCLUSIONS[lang], f"{CITE[lang]} 4")
    cue = next(e for e in stored.tag.evidence if e.kind == "exclusion")
    assert len(stored.provision.text[cue.start : cue.end].split()) > 20
    assert excluding.parts == [f"{CITE[lang]} 12", f"{CITE[lang]} 13", f"{CITE[lang]} 17"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_inclusion_phrased_as_a_verb_opens_the_laws_scope(store, lang):
    # (c) "all workers ..., including those who work in their own home" inside the wages title
    law = provisions_of(store, INCLUSIONS[lang])
    stored = law[f"{CITE[lang]} 9"]
    assert stored.status == "explicit"
    assert "scope" in stored.topics
    including = [e for e in roles_of(stored) if e.role == Role.INCLUDES]
    assert including and including[0].parts == []
    assert including[0].clause.startswith(f"{CITE[lang]} 9")
    # the law's scope opens: its general provisions' cells are `via_scope`
    matrix = build_matrix(store.provisions())
    jurisdiction = Path(INCLUSIONS[lang]).stem
    general = ((f"{CITE[lang]} 10", "working_time"), (f"{CITE[lang]} 11", "maternity"))
    for citation, topic in general:
        assert law[citation].status == "general"
        assert topic in law[citation].topics
        assert matrix.cell(jurisdiction, topic).coverage == "via_scope"
    document_id = law[f"{CITE[lang]} 9"].document.id
    decisive = store.decisive_provisions(document_id)
    assert (f"{CITE[lang]} 9", DecisiveKind.INCLUDES) in [(d.citation, d.kind) for d in decisive]


@pytest.mark.parametrize(
    "name,citation",
    [
        (INCLUSIONS["en"], "s. 12"),
        (INCLUSIONS["es"], "art. 12"),
        (EXCLUSIONS["en"], "s. 18"),
        (EXCLUSIONS["es"], "art. 18"),
    ],
)
def test_restricting_something_else_near_a_homework_word_is_not_an_exclusion(store, name, citation):
    # (d) "substances are excluded from the materials given out to homeworkers", "does not
    # apply to materials supplied to homeworkers": the cue governs another subject
    stored = provisions_of(store, name)[citation]
    assert stored.status != "excludes"
    assert all(e.role != Role.EXCLUDES for e in roles_of(stored))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_cell_of_a_law_without_exclusions_is_excluded(store, lang):
    jurisdiction = Path(INCLUSIONS[lang]).stem
    matrix = build_matrix(store.provisions())
    row = [matrix.cell(jurisdiction, topic) for topic in matrix.topics]
    assert {cell.coverage for cell in row} >= {"explicit", "via_scope"}
    assert all(cell.coverage != "excluded" for cell in row)


@pytest.mark.parametrize(
    "lang,citation,note,absent",
    [
        ("en", "s. 9", "Act No. 4 of 2019 s. 3(b)", "Act No."),
        ("en", "s. 9", "Amended by Act No. 9 of 2021, s. 2.", "Amended by"),
        ("es", "art. 9", "Ley 21.340 Art. 1º Nº 2 D.O. 25.05.2021", "Nº 2"),
        ("es", "art. 11", "Ley 20.545 Art. único Nº 3 D.O. 17.10.2011", "D.O."),
    ],
)
def test_amendment_notes_beside_a_code_are_notes(store, lang, citation, note, absent):
    # (e) law numbers and "Art. 1º Nº 2" printed beside the text end up as notes
    law = provisions_of(store, INCLUSIONS[lang])
    stored = law[citation]
    assert note in stored.provision.notes
    assert absent not in stored.provision.text
    # "Art. 1º Nº 2" opens no article of its own
    assert all(p.provision.occurrence == 1 for p in law.values())
    assert "art. único" not in law


@pytest.mark.parametrize("lang", ["en", "es"])
def test_work_the_employee_does_at_home_excluded_from_the_whole_law(store, lang):
    # "This Act does not apply to: ... (c) work which the employee performs at home": the
    # excluded kind of work is named as an activity, not a person; a qualifier in a sibling item
    # ("occasionally", "family") does not make the exclusion partial
    stored, excluding = exclusion_in(store, WORK_AT_HOME[lang], f"{CITE[lang]} 2")
    assert excluding.clause == f"{CITE[lang]} 2(c)"
    assert excluding.parts == []
    (decisive,) = store.decisive_provisions(stored.document.id)
    assert decisive.kind == DecisiveKind.EXCLUDES and decisive.reach.whole_law
    matrix = build_matrix(store.provisions())
    assert matrix.cell(Path(WORK_AT_HOME[lang]).stem, "working_time").coverage == "excluded"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_left_out_of_one_benefit_regime_is_a_partial_exclusion(store, lang):
    # "Homeworkers are covered by the pension scheme ... They are not covered by the employment
    # injury scheme": excluded from that regime only, named in words
    stored, excluding = exclusion_in(store, HOME_WORK[lang], f"{CITE[lang]} 3")
    (regime,) = excluding.parts
    assert regime.startswith(
        ("regime: the employment injury scheme", "regime: el régimen de accidentes")
    )
    decisive = store.decisive_provisions(stored.document.id)
    assert [d.kind for d in decisive if d.citation == stored.provision.citation] == [
        DecisiveKind.PARTIAL_EXCLUSION
    ]
    matrix = build_matrix(store.provisions())
    row = [matrix.cell(Path(HOME_WORK[lang]).stem, topic) for topic in matrix.topics]
    assert all(cell.coverage != "excluded" for cell in row)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_boundary_of_the_notion_of_home_work_is_no_exclusion(store, lang):
    # "Work done by domestic workers ... is not included in home work": the definition's
    # boundary, not homeworkers left out
    stored = provisions_of(store, HOME_WORK[lang])[f"{CITE[lang]} 2"]
    assert stored.status == "explicit"
    assert "definition" in stored.topics
    assert [e.role for e in roles_of(stored)] == [Role.DEFINES]
    decisive = store.decisive_provisions(stored.document.id)
    assert [d.kind for d in decisive if d.citation == stored.provision.citation] == [
        DecisiveKind.INCLUDES
    ]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_list_of_excluded_relations_naming_no_homeworker_excludes_nothing(store, lang):
    # "excluded from this Act: ... (c) relatives ... and, where applicable (en su caso), ...":
    # "en su caso" is no "en su casa"
    stored = provisions_of(store, HOME_WORK[lang])[f"{CITE[lang]} 4"]
    assert stored.status != "excludes"
    assert roles_of(stored) == []


# --------------------------------------------------------------------------- the parts


@pytest.mark.parametrize(
    "lang,text,words",
    [
        ("en", "Persons who work in their own homes for a firm.", "work in their own homes"),
        ("es", "Quienes trabajen en su domicilio para un patrono.", "trabajen en su domicilio"),
        ("fr", "Celles qui travaillent à domicile pour une firme.", "travaillent à domicile"),
        ("pt", "Os que trabalham em seu domicílio para outrem.", "trabalham em seu domicílio"),
        ("de", "Personen, die in der eigenen Wohnung arbeiten.", "in der eigenen Wohnung arbeiten"),
        ("nl", "Personen die werken thuis voor een bedrijf.", "werken thuis"),
        ("fi", "Henkilöt, jotka työskentelevät kotonaan.", "työskentelevät kotonaan"),
        ("ru", "Лица, выполняющие работу на дому.", "выполняющие работу на дому"),
    ],
)
def test_verb_phrases_are_mentions_in_every_language(lang, text, words):
    mentions = find_mentions(get_nlp(lang)(text))
    assert [(m.text, m.kind) for m in mentions] == [(words, MentionKind.VERB)]


@pytest.mark.parametrize(
    "lang,text,words",
    [
        ("en", "The out-workers of the trade.", "out-workers"),
        ("es", "Las trabajadoras a domicilio del ramo.", "trabajadoras a domicilio"),
        ("de", "Die Heimarbeiterinnen erhalten ein Entgelt.", "Heimarbeiterinnen"),
        ("ru", "Надомникам выплачивается заработная плата.", "Надомникам"),
    ],
)
def test_inflected_nouns_are_mentions(lang, text, words):
    mentions = find_mentions(get_nlp(lang)(text))
    assert [(m.text, m.kind) for m in mentions] == [(words, MentionKind.NOUN)]


@pytest.mark.parametrize(
    "lang,text",
    [
        ("en", "Employees may telework or work from home two days a week."),
        ("es", "El teletrabajo y el trabajo a distancia se pactarán por escrito."),
        ("de", "Mobile Arbeit und Telearbeit werden schriftlich vereinbart."),
    ],
)
def test_telework_is_no_mention_of_home_work(lang, text):
    assert find_mentions(get_nlp(lang)(text)) == []


def test_clauses_nest_and_cite_like_a_lawyer():
    text = (
        'In this Act,—\n(a) "employer" means a person;\n(b) "worker" means any person, '
        "but does not include any person—\n(i) who is a manager; or\n(ii) who is an "
        'out-worker;\n(c) "wages" means pay.'
    )
    clauses = split_clauses(text, "s. 2")
    assert [c.citation for c in clauses] == [
        "s. 2", "s. 2(a)", "s. 2(b)", "s. 2(b)(i)", "s. 2(b)(ii)", "s. 2(c)"
    ]  # fmt: skip
    b = clauses[2]
    assert text[b.body_start : b.lead_end].rstrip().endswith("any person—")
    assert text[clauses[4].start : clauses[4].end] == "(ii) who is an out-worker"  # the ";" ends it


def test_german_clauses_cite_abs_nr_buchst():
    text = (
        "(1) Dieses Gesetz gilt für:\n1. Arbeitnehmer,\n2. Beschäftigte, und zwar\na) x,\n"
        "b) y.\n(2) Nicht für Beamte."
    )
    assert [c.citation for c in split_clauses(text, "§ 1", "de")] == [
        "§ 1", "§ 1 Abs. 1", "§ 1 Abs. 1 Nr. 1", "§ 1 Abs. 1 Nr. 2",
        "§ 1 Abs. 1 Nr. 2 Buchst. a", "§ 1 Abs. 1 Nr. 2 Buchst. b", "§ 1 Abs. 2",
    ]  # fmt: skip


def test_a_reference_in_running_text_is_no_clause():
    text = "(1) As provided in (c) of the Schedule.\n(2) Other."
    cited = [c.citation for c in split_clauses(text, "art. 8")]
    assert cited == ["art. 8", "art. 8(1)", "art. 8(2)"]


@pytest.mark.parametrize(
    "sentence,parts",
    [
        ("The provisions of sections 12, 13 and 17 shall not apply", ("s. 12", "s. 13", "s. 17")),
        ("Los artículos 5 a 9 no se aplican", ("art. 5-9",)),
        ("Die §§ 3 und 4 gelten nicht", ("§ 3", "§ 4")),
        ("Este capítulo no se aplica", ("this chapter",)),
        ("This Act does not apply", ()),
    ],
)
def test_parts_a_rule_reaches(sentence, parts):
    assert parts_named(sentence) == parts


def test_the_role_model_is_an_estimator():
    X = [{"L:shall": 1.0, "kind=noun": 1.0}, {"L:the": 1.0, "R:act": 1.0}] * 5
    y = ["regulates", "names"] * 5
    model = build_role_model().fit(X, y)
    assert list(model.predict(X[:2])) == ["regulates", "names"]
    assert model.predict_proba(X[:1]).shape == (1, 2)
