"""Tests of the named-state recogniser: spans, kinds, ambiguity rules, dates of office."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from stance.errors import UnknownStateError
from stance.states import KNOWN_CODES, Mention, find_states, state_adjective, state_name

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "mentions" / "gold.jsonl"


def found(text: str, date=None) -> list[tuple[str, str]]:
    return [(m.text, m.code) for m in find_states(text, date)]


def codes(text: str, date=None) -> list[str]:
    return [m.code for m in find_states(text, date)]


# ------------------------------------------------------------------------------ API


def test_known_codes():
    assert len(KNOWN_CODES) == 197  # 193 UN members + PSE, VAT + TWN + XKX
    assert {"PSE", "VAT", "TWN", "XKX", "USA", "PHL", "SSD"} <= KNOWN_CODES
    assert all(len(c) == 3 and c.isupper() for c in KNOWN_CODES)


def test_every_code_has_name_and_adjective_that_are_found():
    for code in KNOWN_CODES:
        name = state_name(code)
        assert name and state_adjective(code)
        # the canonical name is recognised as its own state
        assert codes(f"Officials in {name} said so.") == [code], code


def test_state_name_and_adjective():
    assert state_name("PHL") == "Philippines"
    assert state_name("USA") == "United States"
    assert state_adjective("PHL") == "Philippine"
    assert state_adjective("USA") == "American"
    assert state_name("usa") == "United States"
    with pytest.raises(UnknownStateError):
        state_name("XYZ")
    with pytest.raises(ValueError):  # UnknownStateError is a ValueError
        state_adjective("EUR")


def test_mention_is_frozen_with_slots():
    m = find_states("Russia")[0]
    assert m == Mention("Russia", 0, 6, "RUS", "name")
    with pytest.raises(AttributeError):
        m.code = "USA"  # type: ignore[misc]
    assert not hasattr(m, "__dict__")


def test_spans_match_text_and_are_ordered_and_disjoint():
    text = (
        "WASHINGTON – Russian Foreign Minister Sergei Lavrov told Philippine Foreign "
        "Secretary Alan Peter Cayetano that Moscow is willing to help Manila, the "
        "State Department said; Türkiye and Côte d'Ivoire agreed."
    )
    ms = find_states(text)
    assert all(text[m.start : m.end] == m.text for m in ms)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))
    assert [m.kind for m in ms] == [
        "capital",
        "adjective",
        "person",
        "adjective",
        "person",
        "capital",
        "capital",
        "institution",
        "name",
        "name",
    ]


def test_empty_and_no_states():
    assert find_states("") == []
    assert find_states("The weather was fine and nobody said anything.") == []


def test_import_does_not_load_sklearn_nltk_or_tables():
    code = (
        "import sys, stance.states as s; "
        "assert 'sklearn' not in sys.modules and 'nltk' not in sys.modules; "
        "assert s._gazetteer.cache_info().currsize == 0; print('ok')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "ok"


# ------------------------------------------------------------------------ seed examples


def test_seed_state_department_kirby():
    text = (
        "State Department spokesman John Kirby said the defense relationship between the "
        "United States and the Philippines remains very strong."
    )
    ms = find_states(text)
    assert [(m.text, m.code, m.kind) for m in ms] == [
        ("State Department", "USA", "institution"),
        ("John Kirby", "USA", "person"),
        ("United States", "USA", "name"),
        ("Philippines", "PHL", "name"),
    ]


def test_seed_weapons_from_moscow():
    text = (
        "The Philippines won't stop purchasing weapons from Moscow, despite possible "
        "pressure from the US"
    )
    assert codes(text) == ["PHL", "RUS", "USA"]


def test_russian_made():
    assert found("It bought Russian-made S-400s.") == [("Russian", "RUS")]


def test_seed_headlines_and_datelines():
    assert found("US downplays Phl defense cooperation with Russia") == [
        ("US", "USA"),
        ("Phl", "PHL"),
        ("Russia", "RUS"),
    ]
    assert found("WASHINGTON – Any bilateral defense ties") == [("WASHINGTON", "USA")]
    assert found("MOSCOW, Russia – The Philippines can count on Russia") == [
        ("MOSCOW", "RUS"),
        ("Russia", "RUS"),
        ("Philippines", "PHL"),
        ("Russia", "RUS"),
    ]


def test_seed_people():
    assert codes("Mattis and Tillerson met Lavrov; Duterte and Lorenzana met Putin.") == [
        "USA",
        "USA",
        "RUS",
        "PHL",
        "PHL",
        "RUS",
    ]
    assert codes("Teodoro met Nakatani after Pashinyan spoke to Vance.") == [
        "PHL",
        "JPN",
        "ARM",
        "USA",
    ]
    assert found("Cayetano thanked Lavrov.") == [("Cayetano", "PHL"), ("Lavrov", "RUS")]
    assert found("US Vice President JD Vance will visit Armenia.") == [
        ("US", "USA"),
        ("JD Vance", "USA"),
        ("Armenia", "ARM"),
    ]
    ms = find_states("Vladimir Putin spoke.")
    assert [(m.text, m.kind) for m in ms] == [("Vladimir Putin", "person")]


def test_department_of_foreign_affairs_and_unqualified_foreign_ministry():
    assert found("The Department of Foreign Affairs (DFA) said so.") == [
        ("Department of Foreign Affairs", "PHL"),
        ("DFA", "PHL"),
    ]
    assert find_states("The Foreign Ministry said the Ministry of Foreign Affairs agreed.") == []
    assert found("The Russian Foreign Ministry said.") == [("Russian", "RUS")]


def test_institutions():
    text = (
        "The Pentagon, the White House, the Kremlin, Downing Street, the Élysée and "
        "Zhongnanhai all commented; so did Malacañang."
    )
    assert codes(text) == ["USA", "USA", "RUS", "GBR", "FRA", "CHN", "PHL"]
    assert all(m.kind == "institution" for m in find_states(text))


# ------------------------------------------------------------------------ name forms


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the Philippines", [("Philippines", "PHL")]),
        ("the Republic of Korea", [("Republic of Korea", "KOR")]),
        ("South Korea and North Korea", [("South Korea", "KOR"), ("North Korea", "PRK")]),
        ("the US and the U.S. and the USA", [("US", "USA"), ("U.S.", "USA"), ("USA", "USA")]),
        ("the United States of America", [("United States of America", "USA")]),
        (
            "Britain, the UK and the United Kingdom",
            [("Britain", "GBR"), ("UK", "GBR"), ("United Kingdom", "GBR")],
        ),
        (
            "Türkiye, Turkiye and Turkey",
            [("Türkiye", "TUR"), ("Turkiye", "TUR"), ("Turkey", "TUR")],
        ),
        (
            "Ivory Coast or Côte d'Ivoire or Côte d’Ivoire",
            [("Ivory Coast", "CIV"), ("Côte d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV")],
        ),
        ("Burma, now Myanmar", [("Burma", "MMR"), ("Myanmar", "MMR")]),
        ("Czechia, the Czech Republic", [("Czechia", "CZE"), ("Czech Republic", "CZE")]),
        ("Holland and the Netherlands", [("Holland", "NLD"), ("Netherlands", "NLD")]),
        ("Kosovo and Taiwan", [("Kosovo", "XKX"), ("Taiwan", "TWN")]),
        ("the Holy See and Palestine", [("Holy See", "VAT"), ("Palestine", "PSE")]),
        ("the Russian Federation", [("Russian Federation", "RUS")]),
    ],
)
def test_names(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text, code",
    [
        ("Filipino", "PHL"),
        ("Philippine", "PHL"),
        ("American", "USA"),
        ("Japanese", "JPN"),
        ("Azerbaijani", "AZE"),
        ("Azeri", "AZE"),
        ("Emirati", "ARE"),
        ("Saudi", "SAU"),
        ("Israeli", "ISR"),
        ("Palestinian", "PSE"),
        ("Iranian", "IRN"),
        ("Dutch", "NLD"),
        ("Swiss", "CHE"),
        ("Indian", "IND"),
        ("Malian", "MLI"),
        ("Somali", "SOM"),
        ("Nigerien", "NER"),
        ("Nigerian", "NGA"),
        ("Sudanese", "SDN"),
        ("Congolese", "COD"),
        ("Kosovar", "XKX"),
        ("Taiwanese", "TWN"),
        ("Ukrainian", "UKR"),
        ("Pakistani", "PAK"),
    ],
)
def test_adjectives(text, code):
    ms = find_states(f"The {text} delegation arrived.")
    assert [(m.text, m.code, m.kind) for m in ms] == [(text, code, "adjective")]


def test_demonym_plurals():
    assert found("Russians, Israelis, Filipinos, Saudis and Czechs") == [
        ("Russians", "RUS"),
        ("Israelis", "ISR"),
        ("Filipinos", "PHL"),
        ("Saudis", "SAU"),
        ("Czechs", "CZE"),
    ]


@pytest.mark.parametrize(
    "text, code",
    [
        ("Washington", "USA"),
        ("Moscow", "RUS"),
        ("Beijing", "CHN"),
        ("Manila", "PHL"),
        ("Tokyo", "JPN"),
        ("Kyiv", "UKR"),
        ("Kiev", "UKR"),
        ("Tehran", "IRN"),
        ("Pyongyang", "PRK"),
        ("Ankara", "TUR"),
        ("New Delhi", "IND"),
        ("Delhi", "IND"),
        ("Baku", "AZE"),
        ("Yerevan", "ARM"),
        ("Seoul", "KOR"),
        ("Kinshasa", "COD"),
        ("Brazzaville", "COG"),
        ("Taipei", "TWN"),
        ("Pristina", "XKX"),
        ("Ramallah", "PSE"),
    ],
)
def test_capitals(text, code):
    ms = find_states(f"Officials in {text} said on Monday.")
    assert [(m.text, m.code, m.kind) for m in ms] == [(text, code, "capital")]


def test_brussels_is_not_belgium():
    assert find_states("Brussels wants the member states to agree.") == []


# ------------------------------------------------------------------------ ambiguity


def test_america_but_not_regions():
    assert codes("America and Latin America, South America, Central America") == ["USA"]
    assert codes("Latin American and North American leaders") == []


def test_washington_us_state():
    assert codes("He moved to Washington state last year.") == []
    assert codes("The company is based in Seattle, Washington.") == []
    assert codes("Washington Governor Jay Inslee said.") == []
    assert codes("The Washington Post reported that Washington is angry.") == ["USA"]
    assert codes("Washington-brokered peace deal") == ["USA"]


def test_georgia_us_state_vs_country():
    assert codes("The rally in Atlanta, Georgia drew crowds.") == []
    assert codes("Georgia's governor signed the election bill in Atlanta.") == []
    assert codes("Georgia's president accused Russia of occupying its land.") == ["GEO", "RUS"]
    assert codes("Protesters in Tbilisi, Georgia, rallied against the Republican-style law.") == [
        "GEO",
        "GEO",
    ]


def test_first_names_are_not_states():
    assert codes("The psychologist Jordan Peterson spoke.") == []
    assert codes("The drummer Chad Smith played.") == []
    assert codes("The player Michael Jordan visited Jordan.") == ["JOR"]
    assert codes("The actress Paris Hilton attended the Paris talks.") == ["FRA"]
    assert codes("Jordan said it would reopen the border with Chad.") == ["JOR", "TCD"]
    assert codes("In Jordan King Abdullah met Chad President Deby.") == ["JOR", "JOR", "TCD"]
    # title-case headlines give no capitalisation evidence: kept
    assert codes("Jordan Says It Will Not Join Coalition") == ["JOR"]


def test_one_word_person_alias_needs_person_context():
    assert codes("Hamada Hussein, a farmer, said.") == []
    assert codes("Resident Abu Khaled Abbas said.") == []
    assert codes("President Abbas said.") == ["PSE"]
    assert codes("Abbas said the talks failed.") == ["PSE"]


def test_lowercase_turkey_china_are_not_states():
    assert codes("We ate turkey on fine china plates in Chinatown.") == []
    assert codes("Turkey and China") == ["TUR", "CHN"]


def test_no_prefix_or_infix_matching():
    assert found("Niger and Nigeria") == [("Niger", "NER"), ("Nigeria", "NGA")]
    assert codes("a woman from Oman met a Roman") == ["OMN"]
    assert found("Iranian and Iran") == [("Iranian", "IRN"), ("Iran", "IRN")]
    assert found("Somali and Malian troops in Mali") == [
        ("Somali", "SOM"),
        ("Malian", "MLI"),
        ("Mali", "MLI"),
    ]


def test_sudans_guineas_dominicas_congos():
    assert found("Sudan and South Sudan") == [("Sudan", "SDN"), ("South Sudan", "SSD")]
    assert found("South Sudanese and Sudanese") == [("South Sudanese", "SSD"), ("Sudanese", "SDN")]
    assert codes("Guinea, Guinea-Bissau, Equatorial Guinea and Papua New Guinea") == [
        "GIN",
        "GNB",
        "GNQ",
        "PNG",
    ]
    assert codes("a Guinea pig from New Guinea") == []
    assert codes("Dominica and the Dominican Republic") == ["DMA", "DOM"]
    assert found("Democratic Republic of the Congo and the Republic of the Congo") == [
        ("Democratic Republic of the Congo", "COD"),
        ("Republic of the Congo", "COG"),
    ]
    assert codes("DR Congo, DRC, Congo-Brazzaville, Kinshasa, Brazzaville") == [
        "COD",
        "COD",
        "COG",
        "COD",
        "COG",
    ]
    # bare "Congo": DR Congo by default, the Republic when only it is named, dropped if both are
    assert codes("Fighting in eastern Congo displaced thousands.") == ["COD"]
    assert codes("Brazzaville said Congolese troops would deploy.") == ["COG", "COG"]
    assert codes("Kinshasa and Brazzaville: Congo is split.") == ["COD", "COG"]


def test_context_exclusions():
    assert codes("Clashes in Tripoli, Lebanon's second city.") == ["LBN"]
    assert codes("Turkey prices rose before the holiday.") == []
    assert codes("A Dominican friar runs the shelter.") == []
    assert codes("Georgian townhouses sold well.") == []
    assert codes("A painting by Georgia O'Keeffe sold.") == []
    assert codes("Georgia's economy minister met investors in Atlanta, Georgia.") == ["GEO"]


def test_person_spans_and_titles():
    assert found("The Trump administration said.") == [("Trump", "USA")]
    assert found("Jordan's King Abdullah warned.") == [("Jordan", "JOR"), ("Abdullah", "JOR")]
    assert found("Saudi Crown Prince Mohammed bin Salman met him.") == [
        ("Saudi", "SAU"),
        ("Mohammed bin Salman", "SAU"),
    ]
    assert found("Abbas Araqchi and Abbas Araghchi") == [
        ("Abbas Araqchi", "IRN"),
        ("Abbas Araghchi", "IRN"),
    ]


def test_korean_alone():
    assert codes("Korean officials said.") == ["KOR"]
    assert codes("North Korea fired a missile, Korean state media said.") == ["PRK", "PRK"]
    assert codes("North Korea and South Korea met; Korean officials said.") == ["PRK", "KOR"]
    assert codes("tension on the Korean Peninsula since the Korean War") == []
    assert found("N.Korea and S. Korea") == [("N.Korea", "PRK"), ("S. Korea", "KOR")]


def test_seas_are_not_states():
    text = (
        "ships in the South China Sea, the East China Sea, the Sea of Japan, the Gulf of "
        "Mexico, the Persian Gulf, the Indian Ocean and the Irish Sea"
    )
    assert find_states(text) == []
    assert codes("China claims the South China Sea.") == ["CHN"]


def test_us_states_and_other_blockers():
    assert codes("New Mexico and New Jersey") == []
    assert codes("Chicken Kiev for dinner") == []
    assert codes("Indian troops and American Indian tribes") == ["IND"]
    assert codes("Irish ferries in the Irish Sea") == ["IRL"]
    assert codes("Belfast, Northern Ireland") == []


def test_us_all_caps_only_and_not_swallowed():
    assert codes("Let us go; tell us.") == []
    assert found("U.S.-led forces and U.S. officials") == [("U.S.", "USA"), ("U.S.", "USA")]
    assert found("US$5 million from the US") == [("US", "USA")]
    assert found("the U.S. The next sentence") == [("U.S.", "USA")]


def test_all_caps_headlines():
    assert found("RUSSIA WARNS UKRAINE") == [("RUSSIA", "RUS"), ("UKRAINE", "UKR")]
    assert codes("PHILIPPINES, JAPAN AGREE") == ["PHL", "JPN"]


def test_palestinian_territories():
    assert codes("Rockets were fired from Gaza at Israel.") == ["PSE", "ISR"]
    assert found("the Gaza Strip and the West Bank") == [
        ("Gaza Strip", "PSE"),
        ("West Bank", "PSE"),
    ]
    assert codes("in East Jerusalem and Jerusalem") == ["ISR"]


def test_person_full_name_beats_state_inside_it():
    assert found("Israel Katz said Israel would respond.") == [
        ("Israel Katz", "ISR"),
        ("Israel", "ISR"),
    ]
    assert codes("Sudan People's Liberation Army and the People's Liberation Army") == [
        "SSD",
        "CHN",
    ]


def test_ascii_folded_names():
    assert found("Erdogan and Erdoğan, Cavusoglu and Çavuşoğlu") == [
        ("Erdogan", "TUR"),
        ("Erdoğan", "TUR"),
        ("Cavusoglu", "TUR"),
        ("Çavuşoğlu", "TUR"),
    ]


# ------------------------------------------------------------------------ dates of office


def test_date_picks_holder_in_office():
    # "King Abdullah": Saudi Arabia's king until 2015-01-23, Jordan's since 1999
    assert codes("King Abdullah spoke.", "2014-06-01") == ["SAU"]  # both in office: latest start
    assert codes("King Abdullah spoke.", "2020-06-01") == ["JOR"]
    assert codes("King Abdullah spoke.", dt.date(2020, 6, 1)) == ["JOR"]
    assert codes("King Abdullah spoke.", dt.datetime(2020, 6, 1, 12, 0)) == ["JOR"]
    assert codes("King Abdullah spoke.") == ["JOR"]  # no date: the most recent holder


def test_people_without_date_match_any_holder():
    assert codes("Obama met Trump.", "2030-01-01") == ["USA", "USA"]
    assert codes("Kirby said.", "1990-01-01") == ["USA"]
    assert codes("Aoun met Salam.") == ["LBN", "LBN"]


def test_bad_date_raises():
    with pytest.raises(ValueError):
        find_states("Putin", "yesterday")


# ------------------------------------------------------------------------ gold set


@pytest.mark.skipif(not GOLD.exists(), reason="tests/data/mentions/gold.jsonl not written yet")
def test_gold_precision_recall():
    tp = n_pred = n_gold = 0
    with GOLD.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            gold = {(g["start"], g["end"], g["code"]) for g in row["mentions"]}
            pred = {(m.start, m.end, m.code) for m in find_states(row["text"], row.get("date"))}
            tp += len(gold & pred)
            n_pred += len(pred)
            n_gold += len(gold)
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    assert precision >= 0.95, precision
    assert recall >= 0.95, recall


@pytest.mark.parametrize(("text", "expected"), [
    ("Israel and the Emirates signed a water-for-energy deal.", ["ISR", "ARE"]),
    ("She flew to Dubai on the Emirates airline.", []),
    ("The declaration was signed in St Vincent.", ["VCT"]),
    ("A Burkinabè drone crashed inside Ghanaian airspace.", ["BFA", "GHA"]),
    ("The Bundesbank keeps gold at the Federal Reserve Bank of New York.", ["DEU", "USA"]),
])
def test_aliases_found_by_annotators(text, expected):
    assert [m.code for m in find_states(text, "2026-02-09")] == expected


def test_a_town_named_after_a_capital_is_blocked():
    text = "Insurgents attacked Mocímboa da Praia in northern Mozambique."
    assert [m.code for m in find_states(text)] == ["MOZ"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Syrian forces moved against Turkmen villages near Latakia.", ["SYR"]),
    ("Turkmen President Serdar Berdimuhamedov visited Ankara.", ["TKM", "TUR"]),
])
def test_turkmen_as_an_ethnic_group_is_not_turkmenistan(text, expected):
    assert [m.code for m in find_states(text)] == expected


@pytest.mark.parametrize("text", [
    "The loan of 50 million US dollars was signed.",
    "The U.S. dollar rose against the yen.",
    "A French-language newspaper closed.",
    "Fighting near Mazar-i-Sharif killed five.",
])
def test_currencies_languages_and_towns_are_not_states(text):
    assert find_states(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Franco-Algerian relations soured again.", ["FRA", "DZA"]),
    ("General Franco ruled Spain until 1975.", ["ESP"]),
    ("The Russo-Japanese war ended in 1905.", ["RUS", "JPN"]),
    ("Anthony Russo directed the film.", []),
    ("Portugal's prime minister, Luís Montenegro, met Serbian officials.", ["PRT", "SRB"]),
    ("Montenegro applied to join the EU.", ["MNE"]),
])
def test_combining_forms_and_a_surname_that_is_a_state(text, expected):
    assert [m.code for m in find_states(text)] == expected


@pytest.mark.parametrize("text, date, expected", [
    ("Sadat flew to Jerusalem.", "1977-11-19", ["EGY", "ISR"]),
    ("Thatcher and Mitterrand opened the tunnel.", "1994-05-06", ["GBR", "FRA"]),
    ("Gaddafi's forces retreated from Brega.", "2011-03-02", ["LBY"]),
])
def test_historic_leaders_are_mentions_of_their_states(text, date, expected):
    assert [m.code for m in find_states(text, date)] == expected
