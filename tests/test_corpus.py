"""Reading documents, cleaning boilerplate and cutting sentences (stance.corpus)."""

import gzip
import io
import json
import re
import sys
from pathlib import Path

import pytest

from stance.corpus import (
    Document,
    Sentence,
    boilerplate_rules,
    clean_spans,
    document_sentences,
    read_documents,
)
from stance.errors import InputError

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def read_all(paths, **kw):
    return list(read_documents([str(p) for p in paths], **kw))


def collect(paths, **kw):
    errors: list[InputError] = []
    docs = read_all(paths, on_error=errors.append, **kw)
    return docs, errors


# ----------------------------------------------------------------------------- reading


def test_plain_text_with_bom_and_crlf(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("\ufeffFirst line.\r\nSecond line.\rThird.\n".encode())
    [doc] = read_all([p])
    assert doc == Document(id="a.txt", text="First line.\nSecond line.\nThird.\n", path=str(p))


def test_jsonl_fields_and_default_id(tmp_path):
    p = tmp_path / "arts.jsonl"
    rows = [
        {"id": "x1", "text": "Russia and China met.", "date": "2020-01-02", "title": "Talks"},
        {"text": "Japan signed a pact.\r\nIt was new."},
        {"id": 7, "text": "Iran replied."},
    ]
    p.write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n\n" + json.dumps(rows[2]) + "\n")
    docs = read_all([p])
    assert [d.id for d in docs] == ["x1", "arts.jsonl:2", "7"]
    assert [d.line for d in docs] == [1, 2, 4]
    assert docs[0].date == "2020-01-02" and docs[0].title == "Talks"
    assert docs[1].text == "Japan signed a pact.\nIt was new."
    assert docs[1].date is None and docs[1].title is None
    assert all(d.path == str(p) for d in docs)


def test_jsonl_with_bom_and_other_text_column(tmp_path):
    p = tmp_path / "b.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"body": "Seoul protested."}).encode() + b"\n")
    [doc] = read_all([p], text_column="body")
    assert doc.text == "Seoul protested."


def test_csv_columns_and_line_numbers(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text(
        "id,date,text,title\n"
        'a,2021-05-01,"Cuba, Venezuela agree.",T1\n'
        ',,"Two\nlines.",\n'
        "c,,Plain.,\n",
        newline="",
    )
    docs = read_all([p])
    assert [d.id for d in docs] == ["a", "c.csv:3", "c"]
    assert [d.line for d in docs] == [2, 3, 5]
    assert docs[0].text == "Cuba, Venezuela agree." and docs[0].date == "2021-05-01"
    assert docs[0].title == "T1"
    assert docs[1].text == "Two\nlines." and docs[1].title is None


def test_csv_text_column_by_name(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("headline,article\nH,Body text here.\n")
    [doc] = read_all([p], text_column="article")
    assert doc.text == "Body text here."


def test_gzip_of_each_format(tmp_path):
    with gzip.open(tmp_path / "a.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write("Gzipped text.")
    with gzip.open(tmp_path / "b.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "Gzipped record."}) + "\n")
    with gzip.open(tmp_path / "c.csv.gz", "wt", encoding="utf-8") as fh:
        fh.write("text\nGzipped row.\n")
    docs = read_all([tmp_path / "a.txt.gz", tmp_path / "b.jsonl.gz", tmp_path / "c.csv.gz"])
    assert [d.text for d in docs] == ["Gzipped text.", "Gzipped record.", "Gzipped row."]
    assert docs[0].id == "a.txt.gz" and docs[1].id == "b.jsonl.gz:1"


def test_directory_recursive_sorted_known_suffixes(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "b.txt").write_text("Text b.")
    (tmp_path / "a.txt").write_text("Text a.")
    (tmp_path / "sub" / "c.jsonl").write_text(json.dumps({"text": "Record c."}) + "\n")
    (tmp_path / "sub" / "deeper" / "d.csv").write_text("text\nRow d.\n")
    (tmp_path / "notes.md").write_text("ignored")
    (tmp_path / ".hidden.txt").write_text("ignored")
    docs = read_all([tmp_path])
    assert [d.id for d in docs] == ["a.txt", "b.txt", "sub/c.jsonl:1", "sub/deeper/d.csv:2"]
    assert [d.text for d in docs] == ["Text a.", "Text b.", "Record c.", "Row d."]


def test_explicit_file_with_unknown_suffix_is_text(tmp_path):
    p = tmp_path / "article.md"
    p.write_text("Some text.")
    [doc] = read_all([p])
    assert doc.id == "article.md" and doc.text == "Some text."


def test_stdin_jsonl(monkeypatch):
    lines = (
        "\n" + json.dumps({"text": "From stdin."}) + "\n" + json.dumps({"id": "q", "text": "Two."})
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
    docs = list(read_documents(["-"]))
    assert [(d.id, d.text, d.line) for d in docs] == [
        ("<stdin>:2", "From stdin.", 2),
        ("q", "Two.", 3),
    ]


def test_stdin_plain_text(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n  Moscow said no.\nBeijing agreed.\n"))
    [doc] = read_documents(["-"])
    assert doc.id == "<stdin>" and doc.text == "\n  Moscow said no.\nBeijing agreed.\n"


def test_stdin_binary_buffer_with_bom(monkeypatch):
    raw = '\ufeff{"text": "Caf\u00e9 talks."}\n'.encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    [doc] = read_documents(["-"])
    assert doc.text == "Caf\u00e9 talks."


def test_jsonl_is_streamed(tmp_path):
    p = tmp_path / "big.jsonl"
    p.write_text(json.dumps({"text": "First."}) + "\nnot json\n")
    it = read_documents([p])
    assert next(it).text == "First."  # read before the bad line is reached
    with pytest.raises(InputError):
        next(it)


# ----------------------------------------------------------------------------- bad input


def _bad_files(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"abc\x00\x01\x02")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "nocol.csv").write_text("body\nx\n")
    return tmp_path


@pytest.mark.parametrize(
    "name, message, line",
    [
        ("missing.txt", "no such file", None),
        ("bin.txt", "binary", None),
        ("latin1.txt", "UTF-8", None),
        ("empty.txt", "empty", None),
        ("empty.jsonl", "empty", None),
        ("nocol.csv", "'text'", 1),
    ],
)
def test_bad_files_raise_with_path(tmp_path, name, message, line):
    _bad_files(tmp_path)
    path = tmp_path / name
    with pytest.raises(InputError) as info:
        read_all([path])
    err = info.value
    assert err.path == str(path) and err.line == line
    assert message in str(err) and str(path) in str(err)
    assert isinstance(err, ValueError)


def test_bad_jsonl_lines_name_file_and_line(tmp_path):
    p = tmp_path / "mixed.jsonl"
    p.write_bytes(
        b'{"text": "Good one."}\n'
        b'{"text": \n'
        b'{"body": "no text field"}\n'
        b'["a list"]\n'
        b'{"text": "caf\xe9"}\n'
        b'{"text": ""}\n'
        b'{"text": "Good two."}\n'
    )
    with pytest.raises(InputError, match=re.escape(f"{p}:2: not JSON")):
        read_all([p])
    docs, errors = collect([p])
    assert [d.text for d in docs] == ["Good one.", "Good two."]
    assert [e.line for e in errors] == [2, 3, 4, 5, 6]
    assert "no 'text' field" in str(errors[1]) and f"{p}:3" in str(errors[1])
    assert "UTF-8" in str(errors[3])


def test_bad_csv_row_reported(tmp_path):
    p = tmp_path / "rows.csv"
    p.write_text("id,text\na,Fine.\nb,Too,many\nc,\nd,Also fine.\n")
    docs, errors = collect([p])
    assert [d.id for d in docs] == ["a", "d"]
    assert [(e.path, e.line) for e in errors] == [(str(p), 3), (str(p), 4)]


def test_on_error_continues_with_next_file(tmp_path):
    _bad_files(tmp_path)
    (tmp_path / "good.txt").write_text("Kept.")
    paths = [
        tmp_path / n
        for n in (
            "missing.txt",
            "bin.txt",
            "latin1.txt",
            "empty.txt",
            "empty.jsonl",
            "nocol.csv",
            "good.txt",
        )
    ]
    docs, errors = collect(paths)
    assert [d.text for d in docs] == ["Kept."]
    assert len(errors) == 6 and all(isinstance(e, InputError) for e in errors)


def test_bad_file_inside_a_directory_does_not_stop_the_run(tmp_path):
    _bad_files(tmp_path)
    (tmp_path / "zz.txt").write_text("Last one.")
    docs, errors = collect([tmp_path])
    assert [d.text for d in docs] == ["Last one."]
    assert {Path(e.path).name for e in errors} == {
        "bin.txt",
        "latin1.txt",
        "empty.txt",
        "empty.jsonl",
        "nocol.csv",
    }


def test_truncated_gzip(tmp_path):
    p = tmp_path / "t.txt.gz"
    p.write_bytes(gzip.compress(b"Some long text. " * 100)[:30])
    with pytest.raises(InputError, match="t.txt.gz"):
        read_all([p])


# ----------------------------------------------------------------------------- cleaning


def kept(text: str) -> list[str]:
    return [text[s:e] for s, e in clean_spans(text)]


def test_widgets_and_short_fragments_dropped():
    text = (
        "Advertisement\n\nCountries Sign Trade Pact\n\nReading Time:4 minutes\n"
        "Why you can trust The Daily\nJane Reporter\n\n"
        "Brazil and Argentina signed a trade pact on Friday.\n\nRead more\n\n"
        "Select Voice\nChoose your listening speed\n1.5x\n300 WPM\nSlow\nAverage\nFast\n"
        "Download the Daily App!\nHow does this make you feel?\nLoading\n"
    )
    assert kept(text) == [
        "Countries Sign Trade Pact",
        "Brazil and Argentina signed a trade pact on Friday.",
    ]


def test_comment_widgets_end_the_article():
    text = (
        "Chile offered help to Peru. – Example.com\n\nAdd a comment\n\nSort by\n\n"
        "There are no comments yet. Be the first.\n\nauthor\n\nJane Doe\n\n"
        "Jane Doe is the outlet's correspondent for regional affairs and diplomacy."
    )
    assert kept(text) == ["Chile offered help to Peru."]


def test_end_marker_above_the_body_ends_nothing():
    text = "Author\n\nJane Doe\n\n3 Comments\n\nPeru and Chile signed a deal.\n\nComments\n\nNice!"
    assert kept(text) == ["Peru and Chile signed a deal."]


def test_one_path_string_is_one_path(tmp_path):
    p = tmp_path / "one.txt"
    p.write_text("Only one.")
    assert [d.text for d in read_documents(str(p))] == ["Only one."]


def test_captions_repeated_and_credited_are_dropped():
    caption = "Minister A (L) shakes hands with Minister B in Tokyo on March 3, 2024. (AFP)"
    text = (
        f"Japan and Korea Deepen Ties\n\n{caption}\n{caption}\nTT\n\n"
        "Japan and Korea Deepen Ties\n\n"
        "Japan and South Korea agreed on Monday to deepen ties.\n\n"
        "A spokesman said talks went well on both sides.\n"
        "John Photographer/File\n\n"
        "Envoys from both sides will meet again in May.\n"
        "Officials at the summit in Seoul. Photo: pool via EPA\n"
    )
    assert kept(text) == [
        "Japan and Korea Deepen Ties",
        "Japan and South Korea agreed on Monday to deepen ties.",
        "Envoys from both sides will meet again in May.",
    ]


def test_adjacent_duplicate_without_credit_drops_both_copies():
    line = "The foreign ministers pose for a photograph before the meeting in Hanoi"
    text = f"{line}\n{line}\n\nVietnam and Laos agreed to build a railway.\n"
    assert kept(text) == ["Vietnam and Laos agreed to build a railway."]


def test_pull_quote_and_attribution_dropped():
    text = (
        "Ottawa reviewed its ties with Canberra this week.\n\n"
        "“Canada is going to have to show patience first”\n"
        "Canadian Foreign Minister Jane Roe\n\n"
        "“Canada is going to have to show patience first,” Roe said on Tuesday.\n"
    )
    assert kept(text) == [
        "Ottawa reviewed its ties with Canberra this week.",
        "“Canada is going to have to show patience first,” Roe said on Tuesday.",
    ]


def test_datelines_and_bylines_stripped_from_spans():
    text = (
        "WASHINGTON – Any new ties will not affect the alliance, a spokesman said.\n\n"
        "MOSCOW, Russia – Moscow can help Manila, officials said.\n\n"
        "BAGHDAD (Reuters) - Iraq asked Syria for help.\n\n"
        "AFP - Paris backed the plan.\n\n"
        "It came after a meeting in Lima last Nov. 19. – With John Doe-Smith\n"
    )
    assert kept(text) == [
        "Any new ties will not affect the alliance, a spokesman said.",
        "Moscow can help Manila, officials said.",
        "Iraq asked Syria for help.",
        "Paris backed the plan.",
        "It came after a meeting in Lima last Nov. 19.",
    ]


def test_headings_and_multi_article_pages():
    text = (
        "First Story About Ankara\n\nTurkey and Greece held talks on Monday.\n\n"
        "CLOSED BORDERS, OLD RIVALS\n\nThe border has been shut for decades.\n\n\n"
        "Second Story About Cairo\n\nEgypt and Sudan signed a water deal.\n"
    )
    assert kept(text) == [
        "First Story About Ankara",
        "Turkey and Greece held talks on Monday.",
        "The border has been shut for decades.",
        "Second Story About Cairo",
        "Egypt and Sudan signed a water deal.",
    ]


def test_body_lines_survive():
    text = (
        "By contrast, Russia kept its troops in place.\n\n"
        "He said no.\n\n"
        "US – Russia relations are poor, analysts say.\n\n"
        "“Yes.”\n"
    )
    assert kept(text) == [
        "By contrast, Russia kept its troops in place.",
        "He said no.",
        "US – Russia relations are poor, analysts say.",
        "“Yes.”",
    ]


def test_clean_spans_are_offsets_into_the_original():
    text = "\ufeff  \r\n  WASHINGTON – Talks resumed.  \r\n\r\nShow comments"
    spans = clean_spans(text)
    assert [text[s:e] for s, e in spans] == ["Talks resumed."]


def test_empty_text():
    assert clean_spans("") == []
    assert document_sentences("   \n\n") == []


def test_boilerplate_table_is_documented():
    rows = boilerplate_rules()
    assert len(rows) > 20
    assert all(purpose.strip() for _, _, purpose in rows)


# ----------------------------------------------------------------------------- sentences


def test_document_sentences_offsets_and_filters():
    text = (
        "Tokyo and Manila signed a pact. It covers the U.S. bases too.\n\n"
        "Email letters@example.com with your views.\n\n"
        "Read more in our Asia blog.\n\n"
        "Manila welcomed it.The ministry said so.\n"
    )
    sents = document_sentences(text)
    assert [s.text for s in sents] == [
        "Tokyo and Manila signed a pact.",
        "It covers the U.S. bases too.",
        "Manila welcomed it.",
        "The ministry said so.",
    ]
    for s in sents:
        assert isinstance(s, Sentence) and text[s.start : s.end] == s.text


SEED_BOILERPLATE = re.compile(
    r"Add a comment|Sort by|no comments yet|Summarize this article|AI generated|Download the"
    r"|How does this make you feel|Loading|Rappler\.com|Community Lead|Apparel|^author$"
    r"|Advertisement|Reading Time|Why you can trust|Select Voice|listening speed|WPM|^\d|^Slow$"
    r"|^Average$|^Fast$|Photo:|prove itself first”$|^US Defence Secretary Jim Mattis$|^PPD$"
    r"|^Pia Ranada$|^MOSCOW"
)


@pytest.mark.parametrize(
    "name, body",
    [
        (
            "001_e262fe60f17b4169.txt",
            [
                "The Philippines can count on Russia’s highly experienced intelligence service and "
                "security agencies to help in its fight against illegal drugs.",
                "“I can assure you that we would be happy to see him anytime,” said the Russian minister.",
                "This idea was welcomed by Lavrov.",
            ],
        ),
        (
            "004_2511068b10335d8b.txt",
            [
                "US puts the brakes on better ties with Russia",
                "“Russia is going to have to prove itself first,” Mattis said.",
                "After meeting with Russia’s top diplomat in Germany, US Secretary of State Rex Tillerson "
                "said Moscow first must help stop violence in Ukraine.",
            ],
        ),
    ],
)
def test_seed_articles(name, body):
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    [doc] = read_all([path])
    sents = document_sentences(doc.text)
    texts = [s.text for s in sents]
    for s in sents:
        assert doc.text[s.start : s.end] == s.text
        assert not SEED_BOILERPLATE.search(s.text), s.text
    for sentence in body:
        assert sentence in texts
    # each source line appears once at most (captions and repeated headlines dropped)
    assert len(texts) == len(set(texts))
