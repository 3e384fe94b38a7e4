"""Typed term extraction: the forms each extractor accepts, the ones it refuses, and the evidence spans."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal

import pytest

from review_service.review.terms import (
    Date,
    Duration,
    FeeCap,
    Hours,
    Jurisdiction,
    Money,
    Party,
    Percentage,
    Terms,
    agreement_date,
    arbitration_seat,
    dates,
    durations,
    effective_date,
    expiration_date,
    extract_terms,
    fee_caps,
    governing_law,
    hours,
    initial_term,
    jurisdictions,
    lookup_jurisdiction,
    money,
    parse_number_words,
    parties,
    percentages,
    renewal_notice,
    renewal_term,
    sentence_spans,
    venue,
)


def _span_ok(text: str, v: object) -> None:
    assert text[v.start : v.end] == v.text  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("one", 1), ("twelve", 12), ("forty-eight", 48), ("twenty four", 24), ("ninety-nine", 99),
        ("one hundred", 100), ("one hundred twenty", 120), ("one hundred and eighty", 180),
        ("two million", 2_000_000), ("five hundred thousand", 500_000), ("one and one-half", 1.5),
        ("Thirty", 30), ("SIXTY", 60),
    ],
)
def test_terms_number_words(words: str, value: float) -> None:
    assert parse_number_words(words) == value


@pytest.mark.parametrize("words", ["", "apple", "thirty apples", "and"])
def test_terms_number_words_refuses(words: str) -> None:
    assert parse_number_words(words) is None


# ------------------------------------------------------------------------------------------ durations


@pytest.mark.parametrize(
    ("text", "value", "unit", "days"),
    [
        ("thirty (30) days", 30, "days", 30),
        ("30 days", 30, "days", 30),
        ("one year", 1, "years", 365),
        ("24 months", 24, "months", 730),
        ("twelve (12) months", 12, "months", 365),
        ("one (1) year", 1, "years", 365),
        ("sixty (60) calendar days", 60, "days", 60),
        ("a 90-day period", 90, "days", 90),
        ("three (3) business days", 3, "business_days", 4.2),
        ("two years", 2, "years", 730),
        ("five (5)-year term", 5, "years", 1825),
        ("one hundred eighty (180) days", 180, "days", 180),
        ("Twelve (12) Months", 12, "months", 365),
        ("THIRTY (30) DAYS", 30, "days", 30),
        ("(30) days", 30, "days", 30),
        ("two (2) weeks", 2, "weeks", 14),
        ("ten (10) working days", 10, "business_days", 14),
        ("for an additional year", 1, "years", 365),
        ("half a year", 0.5, "years", 182.5),
        ("successive 1-year terms", 1, "years", 365),
        ("one (I) year", 1, "years", 365),
        ("three (3) successive years", 3, "years", 1095),
        ("ninety (90) days'", 90, "days", 90),
        ("one (1) year and six (6) months", 18, "months", 547.5),  # one length of time, in its smaller unit
    ],
)
def test_terms_durations_accepts(text: str, value: float, unit: str, days: float) -> None:
    (d,) = durations(text)
    assert (d.value, d.unit, d.days) == (value, unit, pytest.approx(days, abs=0.01))
    _span_ok(text, d)


@pytest.mark.parametrize(
    "text",
    [
        "Section 12",
        "30",
        "the 30th day after delivery",
        "once a year",
        "interest of 1.5% a month",
        "payment shall be made on a Business Day",
        "within 48 hours",
        "in the year 2019 years ago",
        "$30 per day",
        "Section 12.30",
        "the fifteenth (15th) day",
    ],
)
def test_terms_durations_refuses(text: str) -> None:
    assert durations(text) == []


def test_terms_durations_words_and_numerals_disagree() -> None:
    (d,) = durations("within thirty (60) days")
    assert d.value == 60 and d.words_value == 30


def test_terms_durations_several_in_a_sentence() -> None:
    text = "for successive one (1) year terms unless either party gives ninety (90) days' notice"
    got = durations(text)
    assert [(d.value, d.unit) for d in got] == [(1, "years"), (90, "days")]
    for d in got:
        _span_ok(text, d)


@pytest.mark.parametrize(
    ("unit_text", "start", "expected"),
    [
        ("one (1) year", date(2020, 2, 29), date(2021, 2, 28)),
        ("one month", date(2021, 1, 31), date(2021, 2, 28)),
        ("five (5) years", date(2019, 5, 31), date(2024, 5, 31)),
        ("3 business days", date(2024, 1, 5), date(2024, 1, 10)),
        ("30 days", date(2024, 1, 1), date(2024, 1, 31)),
    ],
)
def test_terms_duration_add_to(unit_text: str, start: date, expected: date) -> None:
    assert durations(unit_text)[0].add_to(start) == expected


# ------------------------------------------------------------------------------------------ hours


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("within forty-eight (48) hours", 48),
        ("72 hours", 72),
        ("within twenty-four (24) hours of discovery", 24),
        ("one hour", 1),
        ("without undue delay", None),
        ("as soon as reasonably practicable", None),
    ],
)
def test_terms_hours(text: str, value: float | None) -> None:
    (h,) = hours(text)
    assert isinstance(h, Hours) and h.value == value
    _span_ok(text, h)


@pytest.mark.parametrize("text", ["within two (2) days", "promptly", "48"])
def test_terms_hours_refuses(text: str) -> None:
    assert hours(text) == []


# ------------------------------------------------------------------------------------------ money


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$1,000,000", "1000000", "USD"),
        ("USD 2 million", "2000000", "USD"),
        ("US$5,000,000", "5000000", "USD"),
        ("€250,000", "250000", "EUR"),
        ("£1m", "1000000", "GBP"),
        ("two million dollars ($2,000,000)", "2000000", "USD"),
        ("$2M", "2000000", "USD"),
        ("Two Million U.S. Dollars (US$2,000,000)", "2000000", "USD"),
        ("5,000 dollars", "5000", "USD"),
        ("$0.01 per share", "0.01", "USD"),
        ("$ 1,500", "1500", "USD"),
        ("EUR 10,000", "10000", "EUR"),
        ("100,000 euros", "100000", "EUR"),
        ("$2.5 billion", "2500000000", "USD"),
        ("GBP 500k", "500000", "GBP"),
    ],
)
def test_terms_money(text: str, amount: str, currency: str) -> None:
    (m,) = money(text)
    assert isinstance(m, Money) and m.amount == Decimal(amount) and m.currency == currency
    _span_ok(text, m)


@pytest.mark.parametrize("text", ["| $ | 2019 |", "$ -", "$[***]", "1,000,000 units", "$\n2019", "Total ($)"])
def test_terms_money_refuses(text: str) -> None:
    assert money(text) == []


def test_terms_money_words_disagree_with_numerals() -> None:
    (m,) = money("one million dollars ($2,000,000)")
    assert m.amount == Decimal(2_000_000) and m.words_value == Decimal(1_000_000)


def test_terms_money_nested_amount_reported_once() -> None:
    t = extract_terms("Insurance of two million dollars ($2,000,000) per occurrence.")
    assert [m.amount for m in t.money] == [Decimal(2_000_000)]


# ------------------------------------------------------------------------------------------ fee caps


@pytest.mark.parametrize(
    ("text", "months", "multiple"),
    [
        ("the fees paid or payable in the twelve (12) months preceding the claim", 12, 1),
        ("the amounts paid by Customer during the 6 months prior to the event giving rise to liability", 6, 1),
        ("one times the annual fees", 12, 1),
        ("two times the fees paid in the preceding twelve months", 12, 2),
        ("fees paid in the prior year", 12, 1),
        ("the total fees paid under the applicable Order Form", None, 1),
        ("twelve (12) months' fees", 12, 1),
        ("2x the fees paid hereunder", None, 2),
        ("the total amount of fees actually paid by Customer in the 24 months immediately preceding", 24, 1),
        ("the Support Fees paid or payable in respect of the six (6) months immediately preceding the date", 6, 1),
    ],
)
def test_terms_fee_caps(text: str, months: float | None, multiple: float) -> None:
    (c,) = fee_caps(text)
    assert isinstance(c, FeeCap) and c.months == months and c.multiple == multiple
    _span_ok(text, c)
    assert c.basis


@pytest.mark.parametrize(
    "text",
    ["the fees set out in Exhibit A", "all amounts due within thirty (30) days", "Fees are exclusive of taxes"],
)
def test_terms_fee_caps_refuses(text: str) -> None:
    assert fee_caps(text) == []


# ------------------------------------------------------------------------------------------ percentages


@pytest.mark.parametrize(
    ("text", "value", "period"),
    [
        ("1.5% per month", 1.5, "month"),
        ("one and one-half percent (1.5%) per month", 1.5, "month"),
        ("18% per annum", 18, "year"),
        ("3% per year", 3, "year"),
        ("99.9% of the time", 99.9, None),
        ("five percent (5%)", 5, None),
        ("10 per cent annually", 10, "year"),
        ("1% interest per month", 1, "month"),
    ],
)
def test_terms_percentages(text: str, value: float, period: str | None) -> None:
    (p,) = percentages(text)
    assert isinstance(p, Percentage) and p.value == value and p.period == period
    _span_ok(text, p)


def test_terms_percentage_capped_by_law() -> None:
    (p,) = percentages("the lesser of 1.5% per month or the maximum rate permitted by law")
    assert p.value == 1.5 and p.period == "month" and p.capped_by_law


def test_terms_percentage_index_reference() -> None:
    (p,) = percentages("increases shall not exceed the change in the CPI")
    assert p.value is None and p.index == "CPI"
    (p,) = percentages("the Consumer Price Index for All Urban Consumers")
    assert p.index == "CPI"


@pytest.mark.parametrize("text", ["Section 3", "3 of the fees", "the cpi of the system"])
def test_terms_percentages_refuses(text: str) -> None:
    assert percentages(text) == []


# ------------------------------------------------------------------------------------------ jurisdictions


@pytest.mark.parametrize(
    ("name", "canonical", "kind", "country"),
    [
        ("State of New York", "New York", "state", "United States"),
        ("Commonwealth of Massachusetts", "Massachusetts", "state", "United States"),
        ("People's Republic of China", "China", "country", "China"),
        ("PRC", "China", "country", "China"),
        ("England", "England and Wales", "country", "United Kingdom"),
        ("Province of Quebec", "Quebec", "province", "Canada"),
        ("Ontario", "Ontario", "province", "Canada"),
        ("District of Columbia", "District of Columbia", "state", "United States"),
        ("U.S.A.", "United States", "country", "United States"),
        ("Hong Kong", "Hong Kong", "region", "China"),
    ],
)
def test_terms_lookup_jurisdiction(name: str, canonical: str, kind: str, country: str) -> None:
    assert lookup_jurisdiction(name) == (canonical, kind, country)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This Agreement shall be governed by the laws of the State of New York, without regard to conflicts "
         "of law principles.", ["New York"]),
        ("This Agreement is governed by English law.", ["England and Wales"]),
        ("governed by and construed in accordance with the laws of England and Wales", ["England and Wales"]),
        ("The laws of the State of Delaware (without reference to its principles of conflicts of law) shall "
         "govern the construction of this Agreement.", ["Delaware"]),
        ("This Agreement shall be governed in all respects by the laws of the State of Illinois and the "
         "United States of America.", ["Illinois"]),
        ("governed by the laws of the Commonwealth of Massachusetts", ["Massachusetts"]),
        ("This Agreement shall be governed by the laws of the Province of Ontario and the federal laws of "
         "Canada applicable therein.", ["Ontario"]),
        ("THIS AGREEMENT SHALL BE GOVERNED BY THE SUBSTANTIVE LAWS OF THE STATE OF TEXAS, U.S.A.", ["Texas"]),
        ("RIGHTS AND OBLIGATIONS SHALL BE GOVERNED BY THE LAWS, OTHER THAN CHOICE OF LAW RULES, OF THE STATE "
         "OF GEORGIA.", ["Georgia"]),
        ("This Agreement shall be construed in accordance with, and governed by, the\n\n\nlaws of the State of "
         "Georgia.", ["Georgia"]),
        ("Effective legislation of the Republic of Kazakhstan shall apply to relations of the Parties.",
         ["Kazakhstan"]),
        ("This Agreement shall be governed by the laws of the People's Republic of China.", ["China"]),
        ("This Agreement shall be governed by Swiss law.", ["Switzerland"]),
        ("its validity and legal effect shall be governed by the laws and judicial decisions of the State of "
         "Florida", ["Florida"]),
        ("This Agreement shall be construed in accordance with the laws in the State of Washington.",
         ["Washington"]),
    ],
)
def test_terms_governing_law(text: str, expected: list[str]) -> None:
    got = governing_law(text)
    assert [j.name for j in got] == expected
    for j in got:
        assert j.role == "governing_law"
        _span_ok(text, j)


@pytest.mark.parametrize(
    "text",
    [
        'This Agreement is entered into by and between ACME CORP., a Delaware corporation ("Vendor"), and Beta '
        'LLC ("Customer").',
        "Licensee is a corporation duly organized, validly existing and in good standing under the laws of the "
        "State of Nevada.",
        "a limited liability company duly registered and validly existing under PRC laws",
        "The parties submit to the exclusive jurisdiction of the courts located in New York County, New York.",
        "Any dispute shall be settled by arbitration seated in London.",
        "Customer shall comply with all applicable laws of Tennessee in its operations.",
        "Supplier has offices in California and Texas.",
    ],
)
def test_terms_governing_law_refuses(text: str) -> None:
    assert governing_law(text) == []


def test_terms_delaware_corporation_is_incorporation() -> None:
    text = 'ACME CORP., a Delaware corporation ("Vendor")'
    (j,) = jurisdictions(text)
    assert (j.name, j.role) == ("Delaware", "incorporation")


def test_terms_governing_law_venue_and_seat_distinguished() -> None:
    text = (
        "This Agreement shall be governed by the laws of the State of California. The parties submit to the "
        "exclusive jurisdiction of the state and federal courts in Santa Clara County, California. Any dispute "
        "not so resolved shall be finally settled by arbitration held in London."
    )
    assert [j.name for j in governing_law(text)] == ["California"]
    (v,) = venue(text)
    assert (v.name, v.locality, v.role) == ("California", "Santa Clara County", "venue")
    (a,) = arbitration_seat(text)
    assert (a.name, a.locality, a.country) == ("England and Wales", "London", "United Kingdom")


def test_terms_venue_county_without_state() -> None:
    text = "exclusive jurisdiction of the state and federal courts in Hennepin County"
    (v,) = venue(text)
    assert v.kind == "locality" and v.name == "Hennepin County" and isinstance(v, Jurisdiction)


def test_terms_arbitration_city_state() -> None:
    text = "All disputes shall be resolved by arbitration in McLean, Virginia, under the AAA rules."
    (a,) = arbitration_seat(text)
    assert (a.name, a.locality) == ("Virginia", "McLean")
    assert governing_law(text) == []


def test_terms_lower_case_words_are_not_places() -> None:
    assert jurisdictions("fine china and a jersey were delivered") == []


# ------------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("text", "value", "label"),
    [
        ("This Agreement is made as of June 21, 1999", date(1999, 6, 21), "agreement"),
        ("dated this 5th day of March, 2020", date(2020, 3, 5), "agreement"),
        ("effective as of 1/2/2019", date(2019, 1, 2), "effective"),
        ("2019-01-02", date(2019, 1, 2), None),
        ('entered into as of February 13, 2018 (the "Effective Date")', date(2018, 2, 13), "effective"),
        ("shall expire on December 31, 2023", date(2023, 12, 31), "expiration"),
        ("THIS AGREEMENT is made on 26 September 2019", date(2019, 9, 26), "agreement"),
        ("is effective as of the 1.4.2011", date(2011, 4, 1), "effective"),
        ("the 14t h day of April, 2015", date(2015, 4, 14), None),
        ("Nov  5,  1999", date(1999, 11, 5), None),
        ("Dated 29/3/18", date(2018, 3, 29), "agreement"),
        ("Contract start: 04-01-06", date(2006, 4, 1), "effective"),
        ("the first day of July, 2000", date(2000, 7, 1), None),
        ("the 1st  day of JUNE , 2006", date(2006, 6, 1), None),
        ("shall continue until January 18, 2022", date(2022, 1, 18), "expiration"),
        ("Date: 3-14-18", date(2018, 3, 14), "agreement"),
    ],
)
def test_terms_dates(text: str, value: date, label: str | None) -> None:
    (d,) = dates(text)
    assert isinstance(d, Date) and d.value == value and d.label == label
    _span_ok(text, d)


@pytest.mark.parametrize(
    "text",
    [
        "Regulation (EU) 2016/679 of 27 April 2016",
        "as provided in 15 U.S.C. § 1050, enacted on July 5, 1946",
        "Case No. 2019-01-02",
        "Section 1.2.10",
        "March 2020",
        "[•], 2020",
        "this ____ day of ______, 20__",
        "February 30, 2020",
        "Smith v. Jones, decided May 1, 1990",
    ],
)
def test_terms_dates_refuses(text: str) -> None:
    assert dates(text) == []


def test_terms_dates_signature_block_whitespace_is_fast() -> None:
    text = ("Title:  Vice President" + " " * 60 + "Date:  Dec 28, 1990\n\n" + " " * 40) * 40
    t0 = time.perf_counter()
    got = dates(text)
    assert len(got) == 40 and time.perf_counter() - t0 < 0.5


# ------------------------------------------------------------------------------------------ parties


def test_terms_parties_basic() -> None:
    text = ('This Agreement is entered into as of May 1, 2020 by and between ACME CORP., a Delaware corporation '
            '("Vendor"), and Beta LLC ("Customer").')
    got = parties(text)
    assert [(p.name, p.alias) for p in got] == [("ACME CORP.", "Vendor"), ("Beta LLC", "Customer")]
    assert got[0].description == "a Delaware corporation"
    for p in got:
        assert isinstance(p, Party)
        _span_ok(text, p)


@pytest.mark.parametrize(
    ("text", "names", "aliases"),
    [
        ('This Agreement is made by and between Reed\'s, Inc., a Delaware corporation ("Reed\'s"), and Dong-A ST '
         'Co., Ltd., a Korean company (the "Supplier").', ["Reed's, Inc.", "Dong-A ST Co., Ltd."],
         ["Reed's", "Supplier"]),
        ('THIS AGREEMENT is made on 26 September 2019 BETWEEN: (1) BICYCLETX LIMITED a company incorporated '
         'under the laws of England and Wales (the "Company"); and (2) NIGEL CROCKETT (the "Employee").',
         ["BICYCLETX LIMITED", "NIGEL CROCKETT"], ["Company", "Employee"]),
        ('This Agreement is entered into among Alpha Inc. ("Alpha"), Beta GmbH ("Beta") and Gamma S.A. '
         '("Gamma").', ["Alpha Inc.", "Beta GmbH", "Gamma S.A."], ["Alpha", "Beta", "Gamma"]),
        ('This agreement is made by and between the At Home Corporation ("Excite"), located at 450 Broadway, '
         'and e-centives, Inc., ("e-centives"), a Delaware corporation.', ["At Home Corporation", "e-centives, Inc"],
         ["Excite", "e-centives"]),
        ('This Agreement is entered into by and between ExxonMobil Research and Engineering Company, a corporation '
         'of the State of Delaware ("ExxonMobil"); and FuelCell Energy, Inc. ("FCE").',
         ["ExxonMobil Research and Engineering Company", "FuelCell Energy, Inc."], ["ExxonMobil", "FCE"]),
        ('This Agreement is between Fruit of Life Productions LLC ("Promoter") and Eco Science Solutions, Inc. '
         '("Sponsor"). WHEREAS the parties wish to cooperate.', ["Fruit of Life Productions LLC",
                                                                  "Eco Science Solutions, Inc."],
         ["Promoter", "Sponsor"]),
        ('Agreement by and between Lifeway Foods, Inc. ("Lifeway") and Ludmila Smolyansky ("Individual"). '
         'Lifeway and Individual are collectively referred to as the "parties."', ["Lifeway Foods, Inc.",
                                                                                   "Ludmila Smolyansky"],
         ["Lifeway", "Individual"]),
        ('This Subscription Agreement (the "Agreement") is entered into on the date of the last signature below (the '
         '"Effective Date") by Ploverleaf Software LLC, a California limited liability company ("Ploverleaf"), and '
         'Duncliffe Building Services, Inc., a Pennsylvania corporation ("Customer").',
         ["Ploverleaf Software LLC", "Duncliffe Building Services, Inc."], ["Ploverleaf", "Customer"]),
    ],
)
def test_terms_parties_variations(text: str, names: list[str], aliases: list[str]) -> None:
    got = parties(text)
    assert [p.name for p in got] == names
    assert [p.alias for p in got] == aliases


def test_terms_parties_party_lines() -> None:
    text = ("Road Transportation Agreement\nParty A (Shipper): ZTO Express Co., Ltd.\nAddress: Shanghai\n"
            "Party B (Carrier): Tonglu Tongze Logistics Ltd.\nAddress: Zhejiang\n")
    assert [p.name for p in parties(text)] == ["ZTO Express Co., Ltd", "Tonglu Tongze Logistics Ltd"]


@pytest.mark.parametrize(
    "text",
    [
        "TABLE OF CONTENTS Article 1 Definitions between Internal Teams and Activities",
        "Dear Sirs, we write to confirm our understanding.",
        "The parties agree as follows.",
    ],
)
def test_terms_parties_refuses(text: str) -> None:
    assert parties(text) == []


def test_terms_parties_collective_terms_are_not_parties() -> None:
    text = ('This Agreement is made by and between Alpha Inc. ("Alpha") and Beta LLC ("Beta") (each a "Party" '
            'and collectively the "Parties").')
    got = parties(text)
    assert [p.name for p in got] == ["Alpha Inc.", "Beta LLC"]
    assert all("Party" not in p.aliases and "Parties" not in p.aliases for p in got)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a full stop inside an address or an abbreviation before the second party does not end the preamble
        ('THIS AGREEMENT is made on 3 March 2021 BETWEEN: KESTREL HOLDINGS INC. 4th Floor, Harbour House, Port '
         'Louis. Mauritius ("the Maker") of one part AND: LINDEN TRADING LIMITED Unit 9, Quay Street, Cork, Ireland '
         '("the Buyer") of the other part. RECITALS', ["KESTREL HOLDINGS INC.", "LINDEN TRADING LIMITED"]),
        ('This Agreement is entered into by and between 481120 B.C. Ltd. dba Northwind Networks, having an office in '
         'Victoria ("Northwind") and Saltmarsh Telecom SRL, having an office in Bucharest ("Saltmarsh") as of the '
         '2nd day of May, 2019.', ["481120 B.C. Ltd. dba Northwind Networks", "Saltmarsh Telecom SRL"]),
        # an unbalanced quote inside an alias does not swallow the rest of the preamble
        ('This Hosting Agreement is entered into by and between ORCHARD LABS INC a Nevada corporation '
         '(hereinafter, -Client"), and Pylon Cloud, Inc. a California corporation (hereinafter, "Pylon").',
         ["ORCHARD LABS INC", "Pylon Cloud, Inc."]),
        # "entered into by" a name that starts in lower case
        ('This Agreement is entered into by eRoute Systems Corporation ("eRoute") and Harbor Freight Lines '
         'Corporation ("Customer") for hosted routing services.', ["eRoute Systems Corporation",
                                                                    "Harbor Freight Lines Corporation"]),
        # parties laid out on separate lines joined by "- and -"
        ('THIS AGREEMENT made this 4 day of June, 2001.\nB E T W E E N:\n   MAPLE COURIER LTD.\n   ("Maple")\n'
         '   - and -\n   BIRCH PARCEL SYSTEMS LTD.\n   ("Birch")\nWHEREAS Maple delivers parcels;',
         ["MAPLE COURIER LTD.", "BIRCH PARCEL SYSTEMS LTD."]),
        # names followed by an address, a division, "c/o" or "together with"
        ('This Agreement is made between Quill Software Ltd, Gartenweg 12, 8001 Zurich ("Quill") and Fernhill '
         'Analytics A/S of Havnegade 4, Copenhagen ("Fernhill").', ["Quill Software Ltd", "Fernhill Analytics A/S"]),
        ('This Agreement is made by and between TALLIS S.A., Division Imaging, of Paris ("Tallis") and MARLOW '
         'ENTERPRISES, INC. c/o Sports Management Group, New York ("Marlow").', ["TALLIS S.A.",
                                                                                 "MARLOW ENTERPRISES, INC."]),
        # a title line "X AND Y" running into the preamble proper: the preamble's reading wins
        ('SUPPLY AGREEMENT BETWEEN NORTHGATE AND OSPREY\n\nService Order 17\n\nTHIS AGREEMENT is made by and '
         'between OSPREY PIPELINE COMPANY, a Delaware corporation ("Osprey") and NORTHGATE POWER COMPANY, a Kentucky '
         'corporation ("Northgate").', ["OSPREY PIPELINE COMPANY", "NORTHGATE POWER COMPANY"]),
        # a defined term of a party already named is that party again; a place is not a party
        ('This Third Amendment between Greenfield Dairy, LLC ("Greenfield") Summit Nutrition Corporation '
         '("Summit") amends the Manufacturing Agreement between Greenfield and Summit.', ["Greenfield Dairy, LLC",
                                                                         "Summit Nutrition Corporation"]),
        ('This Agreement is made between Corvid Ltd, a company registered in England and Wales ("Corvid"), and '
         'Juniper Systems Inc. ("Juniper").', ["Corvid Ltd", "Juniper Systems Inc."]),
        # the party slots of a form: one named, the other left blank
        ('This Distribution Agreement is entered into by and between HALCYON OPTICS AG, a Swiss corporation '
         '("Halcyon"), and _______________, a corporation ("Distributor"). Recitals', ["HALCYON OPTICS AG"]),
    ],
)
def test_terms_parties_layouts(text: str, names: list[str]) -> None:
    assert [p.name for p in parties(text)] == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # English drafting: a PARTIES heading with numbered parties
        ('SERVICE AGREEMENT\n\nTHIS AGREEMENT is dated 1 April 2021.\n\nPARTIES (1) Fernhill Analytics Limited is a '
         'company registered in England (the "Employer"); and (2) Jane Marlow of [address withheld] (the "Executive").',
         ["Fernhill Analytics Limited", "Jane Marlow"]),
        # no "between": defined terms after "hereinafter referred to as", legal forms written first
        ('PREAMBLE JSC Steppe Oil, hereinafter referred to as the "Company", acting on the basis of its Charter, on '
         'the one side and JSC Aral Pipeline, hereinafter referred to as the "Carrier", on the other side, have '
         'entered into this Contract.', ["JSC Steppe Oil", "JSC Aral Pipeline"]),
        # a trustee acting in a capacity; a letter's salutation and a VAT number are no parties
        ('This Agreement is made among Harbor Trust Company, not individually but solely as Trustee ("Trustee") and '
         'Quill Software Ltd ("Quill").', ["Harbor Trust Company", "Quill Software Ltd"]),
        ('This Agreement is made between Corvid Ltd ("Corvid"), VAT NUMBER 123456, and Juniper Systems Inc. '
         '("Juniper").', ["Corvid Ltd", "Juniper Systems Inc."]),
        # initials are no full stop, and no clause numbering; "AND:" between parties laid out as blocks
        ('This Agreement is made by and between Harbor Quote, Inc. ("HQ") and A.B. Marlow, Inc. ("ABM").',
         ["Harbor Quote, Inc.", "A.B. Marlow, Inc."]),
        ('THIS AGREEMENT is dated May 1, 2021.\nBETWEEN:\n   KESTREL CAPITAL CORP., a company of Alberta ("Issuer")\n'
         'AND:\n\n   C.M. LINDEN & COMPANY LIMITED, a company of Ontario ("Agent")\n\nWHEREAS the Issuer',
         ["KESTREL CAPITAL CORP.", "C.M. LINDEN & COMPANY LIMITED"]),
        ('This Agreement is made between QUILL MOTORS CORP., a company of British Columbia ("Quill"); AND: FERNHILL '
         'AUTO INDUSTRY CO., LTD., a company of China ("Fernhill").', ["QUILL MOTORS CORP.",
                                                                      "FERNHILL AUTO INDUSTRY CO., LTD."]),
        # "between the following parties:", names listed after their descriptions
        ('This Agreement is made between the following parties:\n  (a) Quill Media, Inc. ("Quill"), of Boston;\n  (b) '
         'Fernhill Optics Co. ("Fernhill"), of Denver.', ["Quill Media, Inc.", "Fernhill Optics Co."]),
        ('This Agreement is made by and among Corvid Holdings, Inc., a Delaware corporation (the "Company"), and '
         'Birch Strategic Partners LP, a Delaware limited partnership, Birch SP GP LLC, a Delaware limited liability '
         'company, and Birch Capital LLC, a Delaware limited liability company (the "Birch Parties").',
         ["Corvid Holdings, Inc.", "Birch Strategic Partners LP", "Birch SP GP LLC", "Birch Capital LLC"]),
        # a parent and its subsidiary with the same tail are two parties
        ('This Agreement is made between Sykes Health Services, Inc. ("Sykes") and Health Services, Inc. ("HSI").',
         ["Sykes Health Services, Inc.", "Health Services, Inc."]),
    ],
)
def test_terms_parties_more_layouts(text: str, names: list[str]) -> None:
    assert [p.name for p in parties(text)] == names


def test_terms_parties_after_a_long_table_of_contents() -> None:
    toc = "FRANCHISE AGREEMENT\n\nTABLE OF CONTENTS\n" + "".join(f"{i}. Heading number {i} .......... {i}\n"
                                                                   for i in range(1, 200))
    text = toc + ('\n\nTHIS FRANCHISE AGREEMENT is made and entered into by and between Maple Wings Systems, Inc., a '
                  'Minnesota corporation ("we"), and Birch Foods LLC ("you").\n\n1. GRANT.')
    got = parties(text)
    assert [p.name for p in got] == ["Maple Wings Systems, Inc.", "Birch Foods LLC"]
    for p in got:
        _span_ok(text, p)


def test_terms_parties_of_an_agreement_the_undersigned_make_are_its_signatories() -> None:
    text = "\n\n".join([
        "JOINT FILING AGREEMENT",
        "The undersigned hereby agree that the statement on Schedule 13D is filed on behalf of each of them.",
        "Dated: May 4, 2021",
        "HARBOR CREEK PARTNERS, L.P.\nBy: Harbor Creek GP, LLC, its general partner\nBy: /s/ Ann Lee Name: Ann Lee "
        "Title: Managing Director",
        "HARBOR CREEK GP, LLC\nBy: /s/ Ann Lee Name: Ann Lee Title: Managing Director",
        "Tomas Brennan Investments Ltd. By: /s/ T. Brennan Title: Director",
        "(Date) JOHN Q. MARLOW /s/ John Q. Marlow\n",
    ])
    got = parties(text)
    assert [p.name for p in got] == ["HARBOR CREEK PARTNERS, L.P.", "HARBOR CREEK GP, LLC",
                                     "Tomas Brennan Investments Ltd.", "JOHN Q. MARLOW"]
    for p in got:
        _span_ok(text, p)


def test_terms_parties_named_on_the_signature_page_join_the_preamble() -> None:
    text = ('SPONSORSHIP AGREEMENT\n\nThis Agreement is entered into by and among Kestrel Investments LLC, a Delaware '
            'limited liability company ("Purchaser"), and each other party hereto identified on the signature page '
            'hereto (each, a "Sponsor").' + _BODY + "\n\nIN WITNESS WHEREOF:\n\nKESTREL INVESTMENTS LLC By: /s/ A. Rowe"
            "\n\nLINDEN VALUE FUND L.P. By: Linden GP LLC, its general partner By: /s/ B. Lane\n")
    assert [p.name for p in parties(text)] == ["Kestrel Investments LLC", "LINDEN VALUE FUND L.P."]


def test_terms_parties_party_lines_with_the_name_on_the_next_line() -> None:
    text = ("COOPERATION AGREEMENT\n\n   Party A:\n\n  Redwood Data Technology Co., Ltd.\n\n  Address:\n\n  Beijing\n\n"
            "   Party B:\n\n  Cedar Online (Hong Kong) Co., Ltd.\n\n  Address:\n\n  Hong Kong\n")
    assert [p.name for p in parties(text)] == ["Redwood Data Technology Co., Ltd", "Cedar Online (Hong Kong) Co., Ltd"]


# ------------------------------------------------------------------------------------------ document dates

# the operative text between the preamble and the clauses under test: the preamble is the front of a contract
_BODY = "\n\n2. Supply. " + "The Seller shall supply the Products the Buyer orders under Schedule 1. " * 40
_SIGNED = _BODY + ("\n\nIN WITNESS WHEREOF the parties have signed below.\n\nNORTHWIND LTD\nBy: /s/ A. Rowe\n"
                   "Date: March 3, 2021\n\nSALTMARSH INC.\nBy: /s/ B. Lane\nDate: March 9, 2021\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # stated in the preamble
        ('This Supply Agreement is made effective as of April 1, 2021 by and between Northwind Ltd ("Buyer") and '
         'Saltmarsh Inc. ("Seller").', date(2021, 4, 1)),
        # stated in the definitions or the term clause
        ('This Supply Agreement is entered into between Northwind Ltd and Saltmarsh Inc.\n\n1. Definitions\n'
         '"Commencement Date" means 1 June 2021;\n"Products" means the goods in Schedule 1.', date(2021, 6, 1)),
        ('SUPPLY AGREEMENT\n\n1. Term. This Agreement shall become effective on July 15, 2021 and continue for '
         'two (2) years.', date(2021, 7, 15)),
        ('SERVICES AGREEMENT\n\nEffective Date: 9/1/2020\n\nCustomer: Northwind Ltd', date(2020, 9, 1)),
        # an event: the last signature is the latest date beside the signatures
        ('SUPPLY AGREEMENT between Northwind Ltd and Saltmarsh Inc.\n\n'
         '"Effective Date" means the date of the last signature below.' + _SIGNED, date(2021, 3, 9)),
        ('SUPPLY AGREEMENT between Northwind Ltd and Saltmarsh Inc.\n\nThis Agreement shall take effect on the '
         'date it is signed by both parties.' + _SIGNED, date(2021, 3, 9)),
        # an event: the date the agreement bears
        ('This Agreement is made on the 2nd day of May, 2019 between Northwind Ltd and Saltmarsh Inc.\n\n'
         '3. Term. This Agreement shall become effective on the date first written above and continue until '
         'terminated.', date(2019, 5, 2)),
        # more ways of stating it
        ('SUPPLY AGREEMENT\n\n1.9 "EFFECTIVE DATE" means 12:01 a.m. Eastern Time on March 3, 2020.', date(2020, 3, 3)),
        ("SUPPLY AGREEMENT\n\n3.1 This Agreement is effective on the day of May 1, 2021.", date(2021, 5, 1)),
        ('SUPPLY AGREEMENT\n\n4. Term. The term of this Agreement (the "Term") will begin on February 1, 2020 and end '
         "on December 31, 2020.", date(2020, 2, 1)),
        ('This Development Agreement is entered into on April 15, 2021 ("EffectiveDate") by Northwind Ltd.',
         date(2021, 4, 15)),
        # events: "the latest date set forth below", "signed by both parties", "the signing date"
        ("SUPPLY AGREEMENT\n\nThe parties have signed this Agreement effective as of the latest date set forth below."
         + _SIGNED, date(2021, 3, 9)),
        ("SUPPLY AGREEMENT\n\n7. Term: This Agreement shall enter into effect on the date it is signed by both "
         "parties as shown below." + _SIGNED, date(2021, 3, 9)),
    ],
)
def test_terms_effective_date(text: str, expected: date) -> None:
    assert effective_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # only when it was made: that is the agreement date
        "This Agreement is entered into as of May 2, 2019 by and between Northwind Ltd and Saltmarsh Inc.",
        # an effective date of something else
        ("SUPPLY AGREEMENT" + _BODY + "\n\n9. Termination. Either party may terminate this Agreement, effective as of "
         "December 31, 2023, by notice. No amendment shall be effective unless signed by both parties."),
        # an event that cannot be dated from the text
        "SUPPLY AGREEMENT\n\nThis Agreement shall become effective on the Closing Date.",
    ],
)
def test_terms_effective_date_refuses(text: str) -> None:
    assert effective_date(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an amendment names the agreement it amends and its own date
        ("FIRST AMENDMENT\n\nThis First Amendment to the Supply Agreement dated April 1, 2017 between Northwind Ltd "
         "and Saltmarsh Inc. is made this 22nd day of June, 2018.", date(2018, 6, 22)),
        ("Amendment No. 1 to the Global Maintenance Agreement ref. GM/14 Issue 7 dated March 9, 2015\n\nThis "
         "amendment is entered into on January 6, 2016 between Northwind Ltd and Saltmarsh Inc.", date(2016, 1, 6)),
        # the recitals name another agreement's date; this one's stands in the title block
        ("SERVICES AGREEMENT\nMarch 3, 2021\n\nThis Agreement is between Northwind Ltd and Saltmarsh Inc.\n\nWHEREAS "
         "the parties entered into that certain Purchase Agreement dated July 23, 2019;", date(2021, 3, 3)),
        ("This Amendment is entered into effective October 1, 2020 by Northwind Ltd and Saltmarsh Inc., having "
         "previously entered into a Distributor Agreement with an Effective Date of March 1, 2016.", date(2020, 10, 1)),
    ],
)
def test_terms_agreement_date(text: str, expected: date) -> None:
    assert agreement_date(text) == expected


@pytest.mark.parametrize(
    ("closing", "expected"),
    [
        ("IN WITNESS WHEREOF the parties have executed this Agreement on the 1st day of June, 2021.", date(2021, 6, 1)),
        ("Each party has signed this Contract in Lyon on November 8, 2020.", date(2020, 11, 8)),
        ("14.6 This Agreement is dated April 29, 2020.", date(2020, 4, 29)),
        ("AGREED TO AND ACCEPTED as of December 14, 2019\nSALTMARSH INC.", date(2019, 12, 14)),
        # the closing words may name another instrument's date
        ("This Agreement excludes the Convention on Contracts for the International Sale of Goods dated 11 April "
         "1980.", None),
    ],
)
def test_terms_agreement_date_from_the_closing_words(closing: str, expected: date | None) -> None:
    text = "SERVICES AGREEMENT\n\nThis Agreement is between Northwind Ltd and Saltmarsh Inc." + _BODY + "\n\n" + closing
    assert agreement_date(text) == expected


def test_terms_dates_label_made_this_the_day() -> None:
    [d] = dates("This Agreement, entered into this the 10th day of January 2000, by and between Northwind Ltd")
    assert d.value == date(2000, 1, 10) and d.label == "agreement"


def test_terms_agreement_date_ignores_other_agreements_and_stray_dates() -> None:
    text = ("SERVICES AGREEMENT\n\nThis Agreement is between Northwind Ltd and Saltmarsh Inc." + _BODY[:1200]
            + "\n\nWHEREAS the parties entered into that certain Purchase Agreement dated July 23, 2019;\n\n"
            "Milestone 1: January 1, 2022.")
    assert agreement_date(text) is None


def test_terms_agreement_date_falls_back_to_the_signatures() -> None:
    assert agreement_date("SUPPLY AGREEMENT between Northwind Ltd and Saltmarsh Inc." + _SIGNED) == date(2021, 3, 9)


_MADE = "This Supply Agreement is made on 2 May 2019 between Northwind Ltd (\"Buyer\") and Saltmarsh Inc. (\"Seller\")."


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        # the effective date plus the initial term, in words or numerals, with no start named
        ("7. Term. The term of this Agreement is three years.", date(2022, 5, 2)),
        ("7. Term. This Agreement shall continue for a period of twenty-four (24) months from the date hereof.",
         date(2021, 5, 2)),
        ("7. Term and Renewal. The term of this Agreement shall begin on the Effective Date and continue for five "
         "(5) years, and shall then renew for successive one (1) year periods.", date(2024, 5, 2)),
        # an explicit date, a range, an outer limit
        ("7. Term. This Agreement shall commence on the Effective Date and shall expire December 31, 2023.",
         date(2023, 12, 31)),
        ("7. TERM: June 1, 2019 to May 31, 2021", date(2021, 5, 31)),
        ("7. Term. This Agreement shall terminate five (5) years after the first shipment, but in no event later "
         "than June 30, 2025.", date(2025, 6, 30)),
        ('The "Initial Term" shall commence upon the Effective Date and shall expire on March 31, 2022.',
         date(2022, 3, 31)),
        ("8.1 The initial term of this Agreement shall, unless sooner terminated, expire in five (5) years from the "
         "date of the Effective Date.", date(2024, 5, 2)),
        ('7. Term. The initial term of this Agreement shall commence on the Effective Date and end on the five (5) '
         'year anniversary of the Effective Date (the "Initial Term").', date(2024, 5, 2)),
        ("15.1 Term. Unless terminated earlier, this Agreement shall terminate on the date three (3) years from the "
         "Effective Date.", date(2022, 5, 2)),
        ("7. Term. Unless earlier terminated, this Agreement continues in effect for an initial term of seven (7) "
         "years.", date(2026, 5, 2)),
        ("2. Duration. It shall be effective on 6 October 2020 and shall have a duration of two years.",
         date(2022, 10, 6)),
        ('1.12 "Expiration Date" means March 31, 2023.', date(2023, 3, 31)),
        # the end of a period named otherwise: label lines, a contract period, a range
        ("AGREEMENT PERIOD\n\nEffective Date: January 1, 2020\n\nTermination Date: December 31, 2023",
         date(2023, 12, 31)),
        ('(a) "Contract Period" shall mean the period commencing on January 1, 2020 and concluding December 31, 2022.',
         date(2022, 12, 31)),
        ("PERIOD OF EXECUTION From January 30, 2020 until July 29, 2020", date(2020, 7, 29)),
        # perpetual
        ("7. Term. This Agreement shall continue in full force and effect until terminated by either party.",
         "perpetual"),
        ("7. Duration. This Agreement is entered into for an unlimited period of time.", "perpetual"),
    ],
)
def test_terms_expiration_date(clause: str, expected: object) -> None:
    assert expiration_date(_MADE + _BODY + "\n\n" + clause) == expected


@pytest.mark.parametrize(
    "clause",
    [
        # measured from an event the text cannot date
        "7. Term. The term of this Agreement shall end three (3) years from the Launch Date.",
        "7. Term. The term of this Agreement shall commence on the Services Commencement Date and continue for ten "
        "(10) years.",
        # periods that run alongside or after the agreement
        "9. Non-solicitation. During the term of this Agreement and for two (2) years thereafter, neither party shall "
        "solicit the other's employees.",
        # an evergreen after the initial term, a survival clause: no perpetual agreement
        "7. Renewal. After the Initial Term, this Agreement shall continue on a month to month basis until terminated.",
        "12. Survival. Sections 8 and 9 of this Agreement shall survive indefinitely.",
        # the definition of another period, a payment period
        '1.4 "Calendar Year" means the twelve-month period ending on December 31; the first Calendar Year of the '
        "Term shall end on December 31, 2019.",
        "For the period from the Effective Date through September 30, 2019, the fee per unit shall be $36.50.",
    ],
)
def test_terms_expiration_date_refuses(clause: str) -> None:
    assert expiration_date(_MADE + _BODY + "\n\n" + clause) is None


# ------------------------------------------------------------------------------------------ renewals and terms


@pytest.mark.parametrize(
    ("text", "days", "successive"),
    [
        ("This Agreement shall automatically renew for successive one (1) year terms unless either party gives "
         "notice at least sixty (60) days prior to the end of the then-current term.", 365, True),
        ("Thereafter, this Agreement shall renew automatically for one (1) additional three (3) year period.",
         1095, False),
        ("The initial term is three (3) years and the Agreement shall automatically renew for additional one (1) "
         "year terms.", 365, True),
        ("This Agreement shall continue in effect for two years, and thereafter shall continue automatically for "
         "successive annual periods.", 365, True),
        ("After the Initial Term, this Agreement shall continue on a month to month basis until terminated.",
         365 / 12, True),
        ("The Term will be 3 years with an automatic 2 year term extension unless otherwise advised.", 730, False),
        ("this Agreement will be automatically renewed for successive additional 3~year periods", 1095, True),
    ],
)
def test_terms_renewal_term(text: str, days: float, successive: bool) -> None:
    rt = renewal_term(text)
    assert rt is not None
    assert rt.duration.days == pytest.approx(days, abs=0.01) and rt.successive == successive
    _span_ok(text, rt)


def test_terms_renewal_term_count() -> None:
    rt = renewal_term("Licensee may renew this Agreement for two (2) successive five (5) year periods.")
    assert rt is not None and rt.count == 2 and rt.duration.value == 5


@pytest.mark.parametrize(
    "text",
    [
        "This Agreement shall remain in effect for a period of five (5) years.",
        "Either party may terminate this Agreement upon thirty (30) days notice.",
        "This Agreement shall continue until terminated by either party.",
    ],
)
def test_terms_renewal_term_refuses(text: str) -> None:
    assert renewal_term(text) is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("shall automatically renew for successive one (1) year terms unless either party provides written "
         "notice of non-renewal at least ninety (90) days before the expiration of the then-current term.", 90),
        ("This Agreement may be terminated by either party at the expiration of its term or any renewal term upon "
         "thirty (30) days written notice to the other party.", 30),
        ("renewed for additional terms unless either Party gives six (6) months' notice prior to expiration.",
         182.5),
        ("Thereafter, this Agreement shall automatically continue in effect until either party gives the other at "
         "least six (6) months prior written notice of termination.", 182.5),
    ],
)
def test_terms_renewal_notice(text: str, days: float) -> None:
    d = renewal_notice(text)
    assert d is not None and d.days == pytest.approx(days, abs=0.01)


def test_terms_renewal_notice_ignores_cure_periods() -> None:
    text = "Either party may terminate if the other fails to cure a breach within thirty (30) days after notice."
    assert renewal_notice(text) is None


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("This Agreement shall commence on the Effective Date and continue for a period of five (5) years.", 5,
         "years"),
        ("The initial term shall continue until the fifth (5th) anniversary of the Effective Date.", 5, "years"),
        ("this Agreement will continue in full force beginning on the Effective Date and ending two (2) years "
         "thereafter.", 2, "years"),
        ("This agreement is for a term of ten (10) years.", 10, "years"),
        ("The term shall begin on the Effective Date and continue for three (3) years thereafter and shall "
         "automatically renew for additional one (1) year terms.", 3, "years"),
    ],
)
def test_terms_initial_term(text: str, value: float, unit: str) -> None:
    d = initial_term(text)
    assert d is not None and (d.value, d.unit) == (value, unit)


def test_terms_initial_term_refuses_notice() -> None:
    assert initial_term("Either party may terminate on thirty (30) days notice.") is None


# ------------------------------------------------------------------------------------------ all together

CONTRACT = """MASTER SERVICES AGREEMENT

This Master Services Agreement (the "Agreement") is entered into as of January 15, 2024 (the "Effective Date")
by and between Acme Cloud, Inc., a Delaware corporation ("Vendor"), and Beta Retail LLC, a New York limited
liability company ("Customer").

1. Fees. Invoices are due within thirty (30) days. Late amounts bear interest at the lesser of 1.5% per month
or the maximum rate permitted by law. Fees may increase on renewal by no more than 3% per year.

2. Term. This Agreement shall continue for an initial term of two (2) years and shall automatically renew
for successive one (1) year terms unless either party gives notice at least sixty (60) days before expiry.

3. Liability. Each party's liability shall not exceed the fees paid or payable in the twelve (12) months
preceding the claim. Vendor shall carry cyber insurance of at least $5,000,000.

4. Data. Vendor shall notify Customer of a personal data breach within forty-eight (48) hours.

5. Governing law. This Agreement shall be governed by the laws of the State of New York. The parties submit
to the exclusive jurisdiction of the courts located in New York County, New York.
"""


def test_terms_extract_terms_groups_by_kind() -> None:
    t = extract_terms(CONTRACT)
    assert isinstance(t, Terms)
    assert [p.alias for p in t.parties] == ["Vendor", "Customer"]
    assert any(d.value == date(2024, 1, 15) and d.label == "effective" for d in t.dates)
    assert [m.amount for m in t.money] == [Decimal(5_000_000)]
    assert [(c.months, c.multiple) for c in t.fee_caps] == [(12, 1)]
    assert any(p.value == 1.5 and p.capped_by_law for p in t.percentages)
    assert [h.value for h in t.hours] == [48]
    assert {(j.name, j.role) for j in t.jurisdictions} >= {("New York", "governing_law"), ("New York", "venue"),
                                                            ("Delaware", "incorporation")}
    assert {(d.value, d.unit) for d in t.durations} >= {(30, "days"), (2, "years"), (1, "years"), (60, "days")}
    for group in (t.durations, t.money, t.fee_caps, t.percentages, t.hours, t.jurisdictions, t.parties, t.dates):
        for v in group:
            _span_ok(CONTRACT, v)


def test_terms_to_json_is_serialisable() -> None:
    data = extract_terms(CONTRACT).to_json()
    text = json.dumps(data)
    assert set(data) == {"durations", "money", "fee_caps", "percentages", "hours", "jurisdictions", "parties",
                         "dates"}
    assert '"amount": "5000000"' in text and '"value": "2024-01-15"' in text


def test_terms_values_are_frozen() -> None:
    d = durations("30 days")[0]
    assert isinstance(d, Duration)
    with pytest.raises(AttributeError):
        d.value = 60  # type: ignore[misc]


def test_terms_sentence_spans_skip_abbreviations() -> None:
    text = "Acme Inc. shall pay. The U.S. Government is not a party. See No. 5 below."
    got = [text[s:e] for s, e in sentence_spans(text)]
    assert got == ["Acme Inc. shall pay.", "The U.S. Government is not a party.", "See No. 5 below."]


