"""The spaCy marks: homework terms, near misses, exclusions and their scope, citations."""

import pytest

from classifiers.nlp import get_nlp, pipeline_language


def marks(lang: str, text: str):
    return get_nlp(lang)(text)


def hw(doc, cited: bool | None = None) -> list[str]:
    return [
        s.text
        for s in doc._.homework_spans
        if s.label_ == "homework" and (cited is None or s._.cited == cited)
    ]


def test_pipelines_are_built_once_and_others_share_xx():
    assert get_nlp("es") is get_nlp("es")
    assert pipeline_language("fi") == pipeline_language("ru") == "xx"
    assert get_nlp("fi") is get_nlp("ru")
    assert [name for name, _ in get_nlp("en").pipeline] == [
        "c177_sentencizer",
        "c177_lemmatizer",
        "c177_marks",
    ]


def test_lemmas_are_lowercased_and_know_domain_words():
    doc = marks("en", "Homeworkers and Workers")
    assert [t.lemma_ for t in doc] == ["homeworker", "and", "worker"]


@pytest.mark.parametrize(
    "lang,text,term",
    [
        ("en", "Every home-based worker shall be paid weekly.", "home-based worker"),
        ("en", "The Outworkers shall receive a written statement.", "Outworkers"),
        ("es", "Los Trabajadores a Domicilio percibirán su salario.", "Trabajadores a Domicilio"),
        ("es", "Los talleristas responden del pago.", "talleristas"),
        ("fr", "Les travailleuses à domicile ont droit au congé.", "travailleuses à domicile"),
        ("de", "Der Heimarbeitsausschuss setzt Entgelte fest.", "Heimarbeitsausschuss"),
        (
            "de",
            "Für die in Heimarbeit Beschäftigten gilt Folgendes.",
            "in Heimarbeit Beschäftigten",
        ),
        ("de", "Zwischenmeister haften neben dem Auftraggeber.", "Zwischenmeister"),
        ("nl", "De thuiswerkers ontvangen loon.", "thuiswerkers"),
        (
            "nl",
            "Bij plaatsonafhankelijke arbeid stelt de werkgever een stoel ter beschikking.",
            "plaatsonafhankelijke arbeid",
        ),
        ("pt", "O trabalhador em domicílio tem direito a férias.", "trabalhador em domicílio"),
        ("ru", "Надомникам выплачивается компенсация.", "Надомникам"),
    ],
)
def test_homework_terms_in_every_language(lang, text, term):
    assert term in hw(marks(lang, text), cited=False)


@pytest.mark.parametrize(
    "lang,text",
    [
        ("es", "El teletrabajo se realiza desde el domicilio de la persona que trabaja."),
        ("en", "An employee may telework from home two days a week."),
        ("de", "Telearbeit und mobiles Arbeiten werden gefördert."),
        ("fr", "Le télétravail est mis en place par accord collectif."),
        ("nl", "Plaatsonafhankelijk werken wordt in de cao geregeld."),
        (
            "ru",
            "Дистанционные работники выполняют трудовую функцию вне места нахождения работодателя.",
        ),
    ],
)
def test_telework_is_a_near_miss_not_homework(lang, text):
    doc = marks(lang, text)
    assert not hw(doc)
    assert "telework" in {s.label_ for s in doc._.near_miss_spans}


@pytest.mark.parametrize(
    "lang,text",
    [
        ("en", "This Act does not apply to outworkers."),
        ("en", "In this Act, employee does not include a homeworker."),
        ("es", "Esta ley no se aplicará a los trabajadores a domicilio."),
        ("es", "Quedan excluidos de este régimen los trabajadores a domicilio."),
        ("fr", "Le présent titre n'est pas applicable aux travailleurs à domicile."),
        ("de", "Dieses Gesetz gilt nicht für Heimarbeiter."),
        ("de", "Auf Heimarbeiter findet dieses Gesetz keine Anwendung."),
        ("de", "Dieses Gesetz ist nicht anwendbar: a. auf Verwaltungen; b. auf Heimarbeitnehmer."),
        ("nl", "Deze wet is niet van toepassing op thuiswerkers."),
        (
            "nl",
            "Doet een jeugdige plaatsonafhankelijke arbeid, dan is titel 3 niet van toepassing.",
        ),
        ("ru", "Настоящая глава не распространяется на надомников."),
    ],
)
def test_exclusion_governing_homework_is_flagged(lang, text):
    assert marks(lang, text)._.excluded_homework


@pytest.mark.parametrize(
    "lang,text",
    [
        # the exclusion governs something else
        ("en", "Section 12 applies to outworkers, except subsection (3)."),
        ("es", "Quedan excluidos de esta ley los trabajadores del servicio doméstico."),
        ("en", "The employer shall pay outworkers weekly except where agreed otherwise."),
    ],
)
def test_exclusion_of_something_else_is_not_flagged(lang, text):
    assert not marks(lang, text)._.excluded_homework


def test_cross_reference_extending_to_homeworkers():
    doc = marks("en", "Sections 12 and 14 apply to outworkers as they apply to employees.")
    assert doc._.crossref_homework
    assert not doc._.excluded_homework


@pytest.mark.parametrize(
    "lang,text",
    [
        ("en", "See the Home Work Act."),
        ("en", "Nothing in this Part affects the Industrial Homework Regulations 1990."),
        ("es", "Véase la Ley de Trabajo a Domicilio."),
        ("de", "Die Vorschriften des Heimarbeitsgesetzes bleiben unberührt."),
    ],
)
def test_homework_inside_a_citation_is_marked_cited(lang, text):
    doc = marks(lang, text)
    assert hw(doc) and not hw(doc, cited=False)


def test_topic_cues():
    doc = marks("de", "Das Arbeitsentgelt ist bei Ablieferung zu zahlen; Bußgeld droht.")
    assert "remuneration" in doc._.topic_cues
    assert "remedies" in doc._.topic_cues
