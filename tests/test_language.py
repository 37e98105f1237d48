from __future__ import annotations

import pytest

from extractors.language import LanguageError, detect

SAMPLES = {
    "en": "The employer shall pay the wages of any worker who is employed under this Act.",
    "es": "El empleador deberá pagar los salarios de los trabajadores que presten servicios "
    "en su domicilio, según lo dispuesto por la ley.",
    "pt": "O empregador deverá pagar o salário ao empregado que trabalha em sua casa, nos "
    "termos da lei, e não poderá reduzir o valor.",
    "fr": "Le travailleur à domicile est un salarié qui exécute pour le compte d'une entreprise "
    "un travail dans les conditions prévues par la loi.",
    "de": "Der Auftraggeber ist verpflichtet, den in Heimarbeit Beschäftigten das Entgelt "
    "nach den Vorschriften dieses Gesetzes zu zahlen, wenn sie nicht im Betrieb sind.",
    "nl": "De werkgever is verplicht het loon aan de werknemer te betalen die thuis werkt, "
    "voor zover de wet dat niet anders bepaalt en als het werk door hem wordt gedaan.",
    "fi": "Työnantajan on maksettava työntekijän palkka, jos työ tehdään kotona tämän lain "
    "mukaan, ja sekä työaika että korvaus kirjataan.",
    "it": "Il datore di lavoro deve pagare la retribuzione al lavoratore che svolge il lavoro "
    "nella propria abitazione per conto della impresa.",
    "ru": "Надомниками считаются лица, заключившие трудовой договор о выполнении работы на дому.",
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_detect(lang: str):
    assert detect(SAMPLES[lang]) == lang


def test_bilingual_answers_the_dominant_language():
    text = SAMPLES["en"] * 3 + SAMPLES["nl"]
    assert detect(text) == "en"


def test_no_evidence_raises():
    with pytest.raises(LanguageError):
        detect("12 34 — 56")
