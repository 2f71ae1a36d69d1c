import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC
from datetime import datetime

from silkmeet.domain import exports as ex
from silkmeet.domain.jsonstream import iter_json
from silkmeet.domain.schedule import ItemIn
from silkmeet.domain.schedule import SpeakerIn
from silkmeet.domain.schedule import compute_schedule

INFO = ex.ConferenceInfo(
    uid="4d7e0c2a-9a53-4c58-8f0e-6a1b2c3d4e5f",
    slug="c",
    title="T",
    timezone="Europe/Paris",
    start=datetime(2020, 11, 20, 13, tzinfo=UTC),
    duration_minutes=120,
    languages=("en",),
)
ITEMS = [
    ItemIn(
        1,
        '=HYPERLINK("http://x")',
        "opening",
        110,
        speakers=(SpeakerIn(7, "佐藤 美咲", "JP", "Asia/Tokyo"),),
    ),
    ItemIn(2, "Closing", "closing", 30),
]
SCHEDULED = compute_schedule(INFO.start, ITEMS)
PEOPLE = [
    ex.ParticipantInfo(7, "佐藤 美咲", "Misaki Sato", "speaker", "JP", "Asia/Tokyo")
]


def test_schedule_document():
    doc = ex.schedule_document(INFO, SCHEDULED, PEOPLE, "2026f")
    json.dumps(doc)
    assert doc["conference"]["start_utc"] == "2020-11-20T13:00:00Z"
    # The lineup runs 140 minutes, past the planned 120: the end follows it.
    assert doc["conference"]["end_utc"] == "2020-11-20T15:20:00Z"
    item = doc["items"][0]
    assert item["start_reference"] == "2020-11-20T14:00:00+01:00"
    assert item["speakers"][0]["local_start"] == "2020-11-20T22:00:00+09:00"
    person = doc["participants"][0]
    assert person["timezone"] == "Asia/Tokyo"
    assert person["meeting"]["local_end"] == "2020-11-21T00:20:00+09:00"
    assert person["meeting"]["local_date"] == "2020-11-20"
    assert person["meeting"]["utc_offset"] == "UTC+09:00"
    assert person["meeting"]["outside_hours"] is True
    slot = person["speaking"][0]
    assert (slot["start_utc"], slot["end_utc"]) == (
        "2020-11-20T13:00:00Z",
        "2020-11-20T14:50:00Z",
    )
    assert slot["outside_hours"] is True


def test_schedule_without_start():
    doc = ex.schedule_document(
        ex.ConferenceInfo("c", "T", "Europe/Paris", None, 60), [], [], "x"
    )
    assert doc["conference"]["start_utc"] is None and doc["items"] == []


def test_csv_is_safe_against_formulas():
    text = ex.schedule_csv(INFO, SCHEDULED)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][0] == "position"
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
    assert rows[1][7] == "佐藤 美咲"
    assert rows[2][1] == "Closing" and rows[2][7] == ""
    for value in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "|cmd"):
        assert ex.csv_cell(value).startswith("'")
    assert ex.csv_cell("Brazil") == "Brazil"


def test_frab_json_and_xml():
    doc = ex.frab_document(INFO, SCHEDULED, "1.1", "https://x/agenda")
    conf = doc["schedule"]["conference"]
    assert conf["time_zone_name"] == "Europe/Paris" and conf["daysCount"] == 1
    event = conf["days"][0]["rooms"][ex.ROOM][0]
    assert event["start"] == "14:00" and event["duration"] == "01:50"
    assert event["date"] == "2020-11-20T14:00:00+01:00"
    assert event["persons"] == [{"id": 7, "public_name": "佐藤 美咲"}]
    assert event["guid"] == ex.event_guid(INFO.uid, 1) != ex.event_guid(INFO.uid, 2)
    root = ET.fromstring(ex.frab_xml(doc))
    assert root.tag == "schedule"
    ev = root.find("day/room/event")
    assert ev.get("guid") == event["guid"]
    assert ev.findtext("title") == '=HYPERLINK("http://x")'
    assert ev.findtext("persons/person") == "佐藤 美咲"
    assert root.find("day").get("date") == "2020-11-20"


def test_frab_days_follow_the_reference_zone():
    info = ex.ConferenceInfo(
        "c", "T", "Asia/Tokyo", datetime(2020, 11, 20, 14, 30, tzinfo=UTC), 60
    )
    scheduled = compute_schedule(
        info.start, [ItemIn(1, "A", "other", 30), ItemIn(2, "B", "other", 30)]
    )
    days = ex.frab_document(info, scheduled, "1")["schedule"]["conference"]["days"]
    # 23:30 JST on the 20th, then 00:00 JST on the 21st.
    assert [d["date"] for d in days] == ["2020-11-20", "2020-11-21"]


def test_streamed_schedule_is_the_document():
    def streamed(info, people):
        doc = ex.schedule_stream(info, SCHEDULED, iter(people), "2026f")
        return "".join(iter_json(doc))

    for info in (INFO, replace(INFO, start=None)):
        document = ex.schedule_document(info, SCHEDULED, PEOPLE, "2026f")
        assert streamed(info, PEOPLE) == json.dumps(
            document, ensure_ascii=False, indent=2
        )
