"""The tagger on our own invented provisions: statuses, topics, evidence, saved models."""

import json
import stat
import warnings
from pathlib import Path

import pytest

from classifiers import tagger as tagger_module
from classifiers.tagger import Tagger, UntrustedModelError
from classifiers.train import MODEL_FILE, load_seed_examples, train_and_save
from classifiers.version import (
    DEFAULT_MODEL_DIR,
    META_FILE,
    ModelVersionWarning,
    model_version,
    warn_on_version_mismatch,
)
from corpus.labels import STATUSES, TOPIC_IDS
from corpus.model import Provision


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("models")
    train_and_save(load_seed_examples(), path)
    return path


@pytest.fixture(scope="module")
def tagger(model_dir) -> Tagger:
    return Tagger.load(model_dir)


def prov(
    text: str,
    heading: str = "",
    context: tuple[str, ...] = (),
    repealed: bool = False,
    citation: str = "s. 1",
) -> Provision:
    return Provision(
        citation=citation,
        number=citation.split()[-1],
        kind="section",
        heading=heading,
        context=list(context),
        text=text,
        repealed=repealed,
    )


def tag_one(tagger: Tagger, text: str, lang: str = "en", title: str = "Labour Act", **kw):
    return tagger.tag([prov(text, **kw)], lang, title)[0]


@pytest.mark.parametrize(
    "lang,text",
    [
        ("en", "This Act shall not apply to persons employed as outworkers."),
        (
            "es",
            "Las disposiciones de la presente ley no se aplicarán a los trabajadores a domicilio.",
        ),
        ("fr", "Le présent chapitre ne s'applique pas aux travailleurs à domicile."),
        (
            "de",
            "Die Vorschriften dieses Abschnitts gelten nicht für Heimarbeiter und Zwischenmeister.",
        ),
        ("nl", "Dit hoofdstuk is niet van toepassing op thuiswerkers."),
    ],
)
def test_exclusion_in_each_language_is_excludes(tagger, lang, text):
    tag = tag_one(tagger, text, lang)
    assert tag.status == "excludes"
    assert any(e.kind == "exclusion" for e in tag.evidence)


def test_cross_reference_alone_is_not_explicit(tagger):
    assert tag_one(tagger, "See the Home Work Act.").status != "explicit"
    assert (
        tag_one(tagger, "Véase la Ley de Trabajo a Domicilio.", "es", "Código laboral").status
        != "explicit"
    )


def test_cross_reference_extending_to_outworkers_is_explicit(tagger):
    assert (
        tag_one(tagger, "Section 9 applies to outworkers as it applies to employees.").status
        == "explicit"
    )


@pytest.mark.parametrize(
    "text",
    [
        "This Act may be cited as the Fair Wages Act.",
        "This Act comes into force on 1 July.",
    ],
)
def test_formal_clauses_are_none(tagger, text):
    tag = tag_one(tagger, text)
    assert tag.status == "none"


def test_telework_is_not_explicit(tagger):
    tag = tag_one(
        tagger,
        "An employee who teleworks from home is entitled to a contribution "
        "towards the cost of internet access.",
    )
    assert tag.status != "explicit"
    tag = tag_one(
        tagger,
        "La persona que realiza teletrabajo tiene derecho a la desconexión "
        "digital fuera de su jornada.",
        "es",
        "Ley de teletrabajo",
    )
    assert tag.status != "explicit"


def test_homework_context_makes_a_provision_explicit(tagger):
    text = "El salario se pagará cada semana en dinero efectivo."
    inside = tag_one(tagger, text, "es", "Código", context=("Título V — Trabajo a domicilio",))
    outside = tag_one(tagger, text, "es", "Código", context=("Título II — Salarios",))
    assert inside.status == "explicit"
    assert outside.status == "general"
    assert "remuneration" in inside.topics and "remuneration" in outside.topics
    assert any(e.kind == "context" for e in inside.evidence)


def test_repealed_provision_without_text_is_none(tagger):
    tag = tagger.tag([prov("", heading="", repealed=True)], "en", "Outworkers Act")[0]
    assert tag.status == "none" and tag.topics == []


def test_tag_shape_scores_and_evidence_offsets(tagger):
    text = "The employer shall pay outworkers the minimum wage and keep a register of them."
    tag = tag_one(tagger, text)
    assert tag.status in STATUSES and set(tag.topics) <= set(TOPIC_IDS)
    assert set(tag.scores) == {f"status:{s}" for s in STATUSES} | {f"topic:{t}" for t in TOPIC_IDS}
    assert abs(sum(tag.scores[f"status:{s}"] for s in STATUSES) - 1.0) < 1e-3
    assert tag.model_version == tagger.version
    spans = [e for e in tag.evidence if e.kind == "term" and e.start is not None]
    assert spans and all(e.text.split(" (")[0] == text[e.start : e.end] for e in spans)
    assert any(e.kind == "feature" and e.weight for e in tag.evidence)


def test_one_tag_per_provision_in_order(tagger):
    provisions = [
        prov("This Act comes into force on 1 May.", citation="s. 1"),
        prov("This Act does not apply to homeworkers.", citation="s. 2"),
        prov("", repealed=True, citation="s. 3"),
    ]
    tags = tagger.tag(provisions, "en", "Labour Act")
    assert [t.status for t in tags] == ["none", "excludes", "none"]


def test_saved_model_loads_and_predicts_the_same_scores(model_dir, tagger):
    again = Tagger.load(model_dir)
    provisions = [
        prov("Outworkers shall be paid within seven days of delivery."),
        prov("Every employer shall keep records of hours worked."),
    ]
    assert [t.scores for t in again.tag(provisions, "en", "Act")] == [
        t.scores for t in tagger.tag(provisions, "en", "Act")
    ]
    assert again.version == tagger.version
    # the two pipelines still share one fitted feature union after the round trip
    assert again.models.status_pipeline_.steps[0][1] is again.models.topic_pipeline_.steps[0][1]


def test_checked_models_load_again_from_the_cache(model_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = Tagger.load(model_dir)  # parses the skops file, checks it, caches it
    (cached,) = (tmp_path / "c177" / "models").glob("*.pickle")
    again = Tagger.load(model_dir)
    provisions = [prov("Outworkers shall be paid within seven days of delivery.")]
    assert [t.scores for t in again.tag(provisions, "en", "Act")] == [
        t.scores for t in first.tag(provisions, "en", "Act")
    ]
    with monkeypatch.context() as patched:  # a cache hit reads the pickle, not the model file
        patched.setattr(tagger_module.sio, "load", None)
        assert Tagger.load(model_dir).version == first.version
    cached.write_bytes(b"")  # a damaged cache is parsed and written again
    assert Tagger.load(model_dir).version == first.version and cached.stat().st_size > 0


def test_version_follows_the_model_file(model_dir, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    data = (model_dir / MODEL_FILE).read_bytes()
    (copy / MODEL_FILE).write_bytes(data)
    assert Tagger.load(copy).version == Tagger.load(model_dir).version
    (copy / MODEL_FILE).write_bytes(data + b"\0")
    assert model_version(copy) != model_version(model_dir)


def test_unreviewed_types_are_refused(model_dir, monkeypatch):
    monkeypatch.setattr(tagger_module, "TRUSTED_TYPES", frozenset())
    with pytest.raises(UntrustedModelError):
        Tagger.load(model_dir)


def test_shipped_model_loads():
    tag = Tagger.load().tag([prov("This Act does not apply to homeworkers.")], "en", "Act")[0]
    assert tag.status == "excludes"


def test_rows_may_be_a_dataframe(model_dir):
    pd = pytest.importorskip("pandas")
    from classifiers.features import MarksFeaturizer

    frame = pd.DataFrame(
        [
            {
                "text": "Homeworkers shall be paid.",
                "heading": "",
                "context": "",
                "title": "Act",
                "language": "en",
            }
        ]
    )
    assert MarksFeaturizer().fit(frame).transform(frame).shape[0] == 1


def test_a_model_trained_with_other_library_versions_warns(tmp_path):
    meta = json.loads((DEFAULT_MODEL_DIR / META_FILE).read_text(encoding="utf-8"))
    meta["trained_with"]["scikit-learn"] = "0.1"
    (tmp_path / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    with pytest.warns(ModelVersionWarning, match=r"scikit-learn 0\.1 \(installed: "):
        warn_on_version_mismatch(tmp_path)


def test_the_shipped_model_matches_the_installed_libraries():
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelVersionWarning)
        warn_on_version_mismatch(DEFAULT_MODEL_DIR)


def test_the_model_is_a_scikit_learn_estimator(tagger):
    from sklearn.base import clone

    from classifiers.models import C177Model

    model = C177Model(C_status=2.0, tune_thresholds=True)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "status_pipeline_")  # parameters only, no fitted state
    fitted = tagger.models
    predictions = fitted.predict(
        [{"text": "Outworkers shall be paid.", "language": "en", "title": "Act"}]
    )
    assert predictions[0].status in STATUSES
    assert set(fitted.thresholds_) == set()  # thresholds are tuned only when asked


def test_examples_are_typed_and_checked():
    from classifiers.examples import Example, as_examples

    record = {
        "text": "Homeworkers shall be paid.",
        "status": "explicit",
        "topics": ["remuneration"],
    }
    (example,) = as_examples([record])
    assert example == Example(
        text="Homeworkers shall be paid.", status="explicit", topics=("remuneration",)
    )
    with pytest.raises(ValueError, match="unknown status"):
        as_examples([{**record, "status": "maybe"}])
    with pytest.raises(ValueError, match="unknown topics"):
        as_examples([{**record, "topics": ["holidays"]}])


def test_the_cache_makes_again_what_is_not_of_its_kind(tmp_path, monkeypatch):
    from classifiers.cache import cached

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cached("entry", list, lambda: [1]) == [1]
    assert cached("entry", list, lambda: [2]) == [1]  # read back, not made
    assert cached("entry", dict, lambda: {"made": 1}) == {"made": 1}  # left by older code


def test_the_cache_ignores_entries_others_could_have_written(tmp_path, monkeypatch):
    from classifiers.cache import cache_dir, cached

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cached("lemmas/entry", list, lambda: [1]) == [1]
    entry = cache_dir() / "lemmas" / "entry.pickle"
    assert stat.S_IMODE(cache_dir().stat().st_mode) == 0o700
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert cached("lemmas/entry", list, lambda: [2]) == [1]  # ours: read back
    entry.parent.chmod(0o777)  # a folder anyone may write: its entries are not read
    assert cached("lemmas/entry", list, lambda: [3]) == [3]
    entry.parent.chmod(0o700)
    entry.chmod(0o666)  # nor is an entry anyone may write
    assert cached("lemmas/entry", list, lambda: [4]) == [4]
