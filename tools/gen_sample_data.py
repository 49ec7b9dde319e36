#!/usr/bin/env python3
"""Generate the bundled sample data folder `sample_data/` for COO Dashboard.

The data describes the fictional IT services firm "Kestrel Systems" over 18 months
(2025-05 .. 2026-10, as of 2026-10-31), written in the messy shapes real tools export.
A handful of problems are planted for the COO to find (see PLANTED PROBLEMS below).

After writing the files the script reads them back, recomputes the planted metrics with the
formulas of SPEC.md section 3, checks that every planted problem (and the health of everything
else) really holds, prints a summary and writes docs/sample_data.md from those same numbers, so
the docs and the data can never disagree.

Deterministic: random.Random(SEED); running it twice gives byte-identical files (the xlsx is
re-packed with fixed zip timestamps and fixed document properties).

    pip install openpyxl && python3 tools/gen_sample_data.py

Only the Python standard library and openpyxl are used.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import math
import random
import re
import string
import tomllib
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

# ---------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------

SEED = 20261031
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "sample_data"
DOC = ROOT / "docs" / "sample_data.md"

COMPANY = "Kestrel Systems"
FIRST_MONTH = (2025, 5)
N_MONTHS = 18
AS_OF = dt.date(2026, 10, 31)
FIXED_TIMESTAMP = dt.datetime(2026, 11, 2, 8, 0, 0)  # xlsx document properties + zip entries


def _month_list(first: tuple[int, int], count: int) -> list[str]:
    year, month = first
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


MONTHS = _month_list(FIRST_MONTH, N_MONTHS)  # "2025-05" .. "2026-10"
FUTURE_MONTHS = ["2026-11", "2026-12"]  # deliverables already planned, not yet due
LAST4 = MONTHS[-4:]  # 2026-07 .. 2026-10

# Which finance export covers which months.
WIDE_CSV_MONTHS = [m for m in MONTHS if m < "2026-01"]  # 2025-05 .. 2025-12
XLSX_MONTHS = [m for m in MONTHS if "2026-01" <= m <= "2026-06"]
LEDGER_MONTHS = [m for m in MONTHS if m >= "2026-07"]
RESTATED_MONTH = "2025-12"  # repeated, corrected, in the xlsx

# Delivery departments: revenue (EUR / month, before growth and season), typical EBITDA margin,
# cost-of-sales share of total cost, depreciation, amortisation, FTE, utilisation band,
# output units per FTE (what the unit is is documented in DEPT_OUTPUT_UNIT).
DELIVERY_DEPTS = {
    "Engineering":      dict(revenue=455_000, margin=0.170, cogs_share=0.72, dep=9_500,  amort=3_200, fte=36.5, util=(0.78, 0.86), opf=11.0),
    "Cloud Operations": dict(revenue=330_000, margin=0.180, cogs_share=0.70, dep=21_000, amort=2_400, fte=23.0, util=(0.79, 0.86), opf=42.0),
    "Data & Analytics": dict(revenue=255_000, margin=0.150, cogs_share=0.71, dep=6_200,  amort=4_100, fte=19.5, util=(0.75, 0.83), opf=6.0),
    "Cybersecurity":    dict(revenue=240_000, margin=0.200, cogs_share=0.68, dep=5_400,  amort=2_900, fte=17.0, util=(0.76, 0.84), opf=14.0),
    "Consulting":       dict(revenue=290_000, margin=0.155, cogs_share=0.78, dep=2_100,  amort=600,   fte=19.5, util=(0.77, 0.84), opf=3.0),
    "Managed Services": dict(revenue=305_000, margin=0.140, cogs_share=0.74, dep=12_800, amort=1_900, fte=20.5, util=(0.78, 0.87), opf=55.0),
}
DEPT_OUTPUT_UNIT = {
    "Engineering": "story points delivered",
    "Cloud Operations": "changes and service requests closed",
    "Data & Analytics": "reports and models shipped",
    "Cybersecurity": "assessments and incident cases closed",
    "Consulting": "billable workshop days",
    "Managed Services": "tickets resolved",
}
# Overhead departments: finance only, no revenue and no cost of sales.
OVERHEAD_DEPTS = {
    "Sales & Marketing": dict(opex=58_000, dep=1_400, amort=800),
    "G&A":               dict(opex=66_000, dep=3_900, amort=2_300),
}
FINANCE_DEPTS = list(DELIVERY_DEPTS) + list(OVERHEAD_DEPTS)

MONTHLY_GROWTH = 0.0035
SEASON = {1: 0.97, 8: 0.93, 12: 0.95}  # revenue factor by calendar month
MARGIN_NOISE = 0.025
REVENUE_NOISE = 0.03

# --- PLANTED PROBLEMS ------------------------------------------------------------------------
# 1. Consulting EBITDA margin collapses: costs stay at the 2026-06 level, revenue falls.
CONSULTING_MARGIN_PLAN = {"2026-07": 0.150, "2026-08": 0.045, "2026-09": -0.030, "2026-10": -0.100}
# 2. Company NPS: stable 36..44, then a drop of far more than 10 points in 2026-10.
NPS_PLAN = {"2026-09": 42.0, "2026-10": 22.0}
NPS_NORMAL = (36.0, 44.0)
HOSTILE_NPS_MONTH = "2026-03"  # exactly one response with score 11
# 3. Customer churn spike (normal months churn 1-2 customers of ~130-140).
CHURN_PLAN = {"2026-09": 10}
SAME_MONTH_CUSTOMER_MONTH = "2026-02"  # one customer starts and ends within this month
# 4. Data & Analytics late deliveries: statuses of the items due in each month.
DA_DELIVERY_PLAN = {
    "2026-08": ["on_time"] * 3 + ["late"] * 3 + ["open"],
    "2026-09": ["on_time"] * 3 + ["late"] * 2 + ["open"],
    "2026-10": ["on_time"] * 3 + ["late"] + ["open"] * 2,
}
# 5. Cloud Operations utilisation runs hot.
CLOUD_UTIL_PLAN = {"2026-07": 0.880, "2026-08": 0.895, "2026-09": 0.970, "2026-10": 0.980}
# Consulting's people are idle as its revenue falls (still inside the healthy band).
CONSULTING_UTIL_PLAN = {"2026-07": 0.780, "2026-08": 0.750, "2026-09": 0.730, "2026-10": 0.715}

# The 2025-12 restatement in the xlsx: (department, field, change in cents, reason).
RESTATEMENTS = [
    ("Engineering", "revenue", 425_000, "late-booked milestone invoice"),
    ("Cloud Operations", "cogs", -183_000, "hosting supplier credit note"),
    ("G&A", "opex", 211_540, "audit fee accrual"),
]

# Healthy bands the generator checks for everything that is not planted.
HEALTHY_MARGIN = (0.10, 0.25)
HEALTHY_UTIL = (0.70, 0.90)
HEALTHY_ON_TIME = 0.85
ENGINEERING_ON_TIME = 0.90

NPS_QUESTION = "How likely are you to recommend Kestrel Systems to a friend or colleague?"
NPS_REASON = "What is the main reason for your score?"

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def month_start(ym: str) -> dt.date:
    return dt.date(int(ym[:4]), int(ym[5:7]), 1)


def month_end(ym: str) -> dt.date:
    y, m = int(ym[:4]), int(ym[5:7])
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def ym_of(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def random_day(rng: random.Random, ym: str, first: int = 1, last: int | None = None) -> dt.date:
    end = month_end(ym).day if last is None else min(last, month_end(ym).day)
    return month_start(ym).replace(day=rng.randint(first, end))


def working_days(ym: str) -> int:
    d, end, n = month_start(ym), month_end(ym), 0
    while d <= end:
        n += d.weekday() < 5
        d += dt.timedelta(days=1)
    return n


def partition(rng: random.Random, total: int, parts: int) -> list[int]:
    """Split integer `total` (cents) into `parts` positive pieces that sum exactly to it."""
    weights = [rng.uniform(0.6, 1.4) for _ in range(parts)]
    s = sum(weights)
    pieces = [int(total * w / s) for w in weights[:-1]]
    pieces.append(total - sum(pieces))
    return pieces


def euro_us(cents: int) -> str:
    """`€123,456.78` (US separators, euro sign)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}€{cents // 100:,}.{cents % 100:02d}"


def decimal_comma(cents: int) -> str:
    """`12.345,67` (dot thousands, decimal comma)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}"


def eur(cents: int) -> str:
    """Human-readable amount for the docs: `€123,456.78`."""
    return euro_us(cents)


def pct(x: float | None, digits: int = 1) -> str:
    return "null" if x is None else f"{x * 100:.{digits}f}%"


def ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, delimiter: str = ",",
              quoting: int = csv.QUOTE_MINIMAL, lineterminator: str = "\r\n",
              encoding: str = "utf-8") -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return len(rows)


def rel(path: Path) -> str:
    return path.relative_to(OUT).as_posix()


# ---------------------------------------------------------------------------------------------
# Customers (billing/customers.csv)
# ---------------------------------------------------------------------------------------------

NAME_STEMS = [
    "Northwind", "Bluefjord", "Alder", "Brightwater", "Cobalt", "Dunmore", "Elmhurst", "Fairhaven",
    "Granite", "Harbor", "Ironbridge", "Juniper", "Kingsway", "Lakeside", "Meridian", "Nordlicht",
    "Oakridge", "Pinecrest", "Quayside", "Redwood", "Silverline", "Thornbury", "Upland", "Vantage",
    "Westmark", "Yellowpine", "Zenith", "Åkerlund", "Bäckström", "Côte d'Azur", "Müller", "Søndergaard",
    "Álvarez", "Fjordheim", "Hollander", "Rosenthal", "Castellan", "Marlowe", "Ashgrove", "Stonegate",
]
NAME_SECTORS = [
    "Logistics", "Insurance", "Retail", "Health", "Energy", "Foods", "Pharma", "Mobility", "Banking",
    "Media", "Manufacturing", "Telecom", "Property", "Travel", "Utilities", "Maritime",
]
NAME_FORMS = ["GmbH", "AG", "Ltd", "BV", "AB", "SA", "SAS", "Oy", "plc", "S.p.A.", "A/S", "& Co. KG"]
CUSTOMER_SEGMENT_WEIGHTS = {
    "Engineering": 22, "Cloud Operations": 18, "Data & Analytics": 14,
    "Cybersecurity": 14, "Consulting": 16, "Managed Services": 16,
}


@dataclass
class Customer:
    customer_id: str
    name: str
    segment: str
    start: dt.date
    end: dt.date | None
    mrr_cents: int
    note: str = ""


def in_s(c: Customer, ym: str) -> bool:
    """SPEC §3: start_date < first day and (no end_date or end_date >= first day)."""
    first = month_start(ym)
    return c.start < first and (c.end is None or c.end >= first)


def active_on(c: Customer, day: dt.date) -> bool:
    return c.start <= day and (c.end is None or c.end >= day)


def gen_customers(rng: random.Random) -> list[Customer]:
    segments = list(CUSTOMER_SEGMENT_WEIGHTS)
    seg_weights = list(CUSTOMER_SEGMENT_WEIGHTS.values())
    used_names: set[str] = set()

    def new_name() -> str:
        while True:
            name = f"{rng.choice(NAME_STEMS)} {rng.choice(NAME_SECTORS)} {rng.choice(NAME_FORMS)}"
            if name not in used_names:
                used_names.add(name)
                return name

    def new_customer(start: dt.date, segment: str | None = None) -> Customer:
        seg = segment or rng.choices(segments, seg_weights)[0]
        mrr = rng.randrange(1_500, 25_000, 50) * 100
        return Customer("", new_name(), seg, start, None, mrr)

    customers: list[Customer] = []
    # Long-standing customers, active on 2025-05-01.
    for _ in range(125):
        start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, (dt.date(2025, 4, 30) - dt.date(2019, 1, 1)).days))
        customers.append(new_customer(start))
    # A few who had already left before the data period starts.
    for _ in range(5):
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 1200))
        c = new_customer(start)
        c.end = dt.date(2024, rng.randint(1, 12), rng.randint(1, 28))
        if c.end <= c.start:
            c.end = c.start + dt.timedelta(days=200)
        customers.append(c)

    # Month by month: churn some of S, then add the month's new customers.
    for ym in MONTHS:
        s_members = [c for c in customers if in_s(c, ym) and c.end is None]
        n_churn = CHURN_PLAN.get(ym, rng.choice([1, 2, 2, 2]))
        if ym in CHURN_PLAN:
            # The spike hits Consulting clients hardest.
            weights = [5 if c.segment == "Consulting" else 1 for c in s_members]
            churners: list[Customer] = []
            pool, pool_w = s_members[:], weights[:]
            for _ in range(n_churn):
                pick = rng.choices(range(len(pool)), pool_w)[0]
                churners.append(pool.pop(pick))
                pool_w.pop(pick)
        else:
            churners = rng.sample(s_members, n_churn)
        for c in churners:
            c.end = random_day(rng, ym)
        for _ in range(rng.randint(2, 4)):
            customers.append(new_customer(random_day(rng, ym)))
        if ym == SAME_MONTH_CUSTOMER_MONTH:
            c = new_customer(month_start(ym).replace(day=9), "Data & Analytics")
            c.end = month_start(ym).replace(day=27)
            c.note = "pilot that did not convert: starts and ends in the same month"
            customers.append(c)

    customers.sort(key=lambda c: (c.start, c.name))
    for i, c in enumerate(customers):
        c.customer_id = f"C-{1001 + i}"
    return customers


STRIPE_HEADER = ["id", "Customer ID", "Customer Description", "Customer Email", "Plan", "Product",
                 "Quantity", "Currency", "Interval", "Amount", "Status", "Created (UTC)", "Start (UTC)",
                 "Trial Start (UTC)", "Trial End (UTC)", "Canceled At (UTC)", "Cancel At Period End",
                 "Ended At (UTC)", "Segment (metadata)"]


def write_customers(customers: list[Customer]) -> Path:
    """A Stripe subscriptions export (Billing → Subscriptions → Export) of the same customers: some
    split over two subscriptions, some billed yearly or per seat, some that started with a trial,
    plus subscriptions that never became customers (trialing, incomplete_expired). A separate
    random stream keeps every other file's draws, and so every planted number, unchanged."""
    path = OUT / "billing" / "subscriptions.csv"
    meta = random.Random(SEED + 15)
    money = lambda cents: f"{cents // 100}.{cents % 100:02d}"
    stamp = lambda day, hour: f"{day.isoformat()} {hour:02d}:{meta.randint(0, 59):02d}"
    rows = []
    count = 0

    def sub_id() -> str:
        nonlocal count
        count += 1
        return "sub_" + "".join(meta.choice(ID_ALPHABET) for _ in range(14))

    for c in customers:
        email = "billing@" + "".join(ch for ch in c.name.lower() if ch.isascii() and ch.isalnum())[:16] + ".example"
        parts = [c.mrr_cents // 2, c.mrr_cents // 2] if meta.random() < 0.15 else [c.mrr_cents]
        trial = c.start >= month_start(MONTHS[0]) and meta.random() < 0.3
        for mrr in parts:
            roll = meta.random()
            if roll < 0.2:
                interval, quantity, amount, plan = "year", 1, mrr * 12, "Annual"
            elif roll < 0.4:
                interval, quantity, amount, plan = "month", 2, mrr // 2, "Per seat"
            else:
                interval, quantity, amount, plan = "month", 1, mrr, "Monthly"
            created = c.start - dt.timedelta(days=14) if trial else c.start
            canceled = ""
            if c.end is not None:
                canceled_day = max(c.start, c.end - dt.timedelta(days=meta.randint(0, 20)))
                canceled = stamp(canceled_day, meta.randint(8, 18))
            rows.append([sub_id(), c.customer_id, c.name, email, plan, "Kestrel platform", str(quantity), "eur",
                         interval, money(amount), "canceled" if c.end else "active",
                         stamp(created, 9), stamp(created, 9),
                         stamp(created, 9) if trial else "", stamp(c.start, 9) if trial else "",
                         canceled, "false", stamp(c.end, 23) if c.end else "", c.segment])
    # Subscriptions that are not customers: trials still running at the as-of date, and one whose
    # first payment failed.
    for i, status in enumerate(["trialing", "trialing", "trialing", "incomplete_expired"]):
        start = dt.date(2026, 10, 10 + 4 * i)
        rows.append([sub_id(), f"C-T{i + 1}", f"Trial prospect {i + 1}", f"trial{i + 1}@prospect.example", "Monthly",
                     "Kestrel platform", "1", "eur", "month", "2500.00", status, stamp(start, 10), stamp(start, 10),
                     stamp(start, 10) if status == "trialing" else "",
                     stamp(start + dt.timedelta(days=30), 10) if status == "trialing" else "",
                     "", "false", "", "Consulting"])
    write_csv(path, STRIPE_HEADER, rows)
    return path


# ---------------------------------------------------------------------------------------------
# Finance (wide csv 2025, xlsx 2026-H1 with the 2025-12 restatement, GL ledger 2026-07..10)
# ---------------------------------------------------------------------------------------------


@dataclass
class FinanceRow:
    month: str
    dept: str
    revenue: int  # all amounts in cents
    cogs: int
    opex: int
    dep: int
    amort: int
    revenue_budget: int
    cost_budget: int


def gen_finance(rng: random.Random) -> dict[tuple[str, str], FinanceRow]:
    rows: dict[tuple[str, str], FinanceRow] = {}
    consulting_cost_level = None
    for i, ym in enumerate(MONTHS):
        growth = 1 + MONTHLY_GROWTH * i
        season = SEASON.get(int(ym[5:]), 1.0)
        for dept, p in DELIVERY_DEPTS.items():
            trend_rev = p["revenue"] * growth * season
            revenue = trend_rev * (1 + rng.uniform(-REVENUE_NOISE, REVENUE_NOISE))
            margin = p["margin"] + rng.uniform(-MARGIN_NOISE, MARGIN_NOISE)
            cost = revenue * (1 - margin)
            if dept == "Consulting" and ym in CONSULTING_MARGIN_PLAN:
                # Costs stay where they were in 2026-06; revenue falls to hit the planned margin.
                cost = consulting_cost_level * (1 + rng.uniform(-0.008, 0.008))
                margin = CONSULTING_MARGIN_PLAN[ym] + rng.uniform(-0.004, 0.004)
                revenue = cost / (1 - margin)
            if dept == "Consulting":
                consulting_cost_level = cost
            cogs_share = p["cogs_share"] + rng.uniform(-0.02, 0.02)
            revenue_c = round(revenue * 100)
            cost_c = round(cost * 100)
            cogs_c = round(cost_c * cogs_share)
            rows[(ym, dept)] = FinanceRow(
                ym, dept, revenue_c, cogs_c, cost_c - cogs_c,
                round(p["dep"] * (1 + 0.002 * i) * 100), round(p["amort"] * 100),
                int(round(trend_rev, -3)) * 100, int(round(trend_rev * (1 - p["margin"]), -3)) * 100,
            )
        for dept, p in OVERHEAD_DEPTS.items():
            planned = p["opex"] * (1 + MONTHLY_GROWTH * i)
            opex = planned * (1 + rng.uniform(-0.04, 0.04))
            rows[(ym, dept)] = FinanceRow(
                ym, dept, 0, 0, round(opex * 100), round(p["dep"] * 100), round(p["amort"] * 100),
                0, int(round(planned, -3)) * 100,
            )
    return rows


def restated_rows(finance: dict[tuple[str, str], FinanceRow]) -> list[FinanceRow]:
    out = []
    changes = {(d, f): delta for d, f, delta, _ in RESTATEMENTS}
    for dept in FINANCE_DEPTS:
        r = finance[(RESTATED_MONTH, dept)]
        new = FinanceRow(**vars(r))
        for f in ("revenue", "cogs", "opex"):
            setattr(new, f, getattr(new, f) + changes.get((dept, f), 0))
        out.append(new)
    return out


def statement_amount(cents: int, currency: bool = False) -> str:
    """`1,234.56` on account rows; `€1,234.56` on total rows, as QuickBooks prints them."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{'€' if currency else ''}{cents // 100:,}.{cents % 100:02d}"


def statement_path(ym: str) -> Path:
    return OUT / "finance" / f"finance_{ym}_budget_vs_actuals_by_class.csv"


def write_finance_statements(finance: dict[tuple[str, str], FinanceRow]) -> list[Path]:
    """One QuickBooks "Budget vs. Actuals" P&L by Class per month of 2025 (the months the wide
    CSV used to hold): classes as columns (Actual, Budget, over Budget, % of Budget each, then
    Total), sections Income / Cost of Goods Sold / Expenses with `Total for` rows, depreciation
    and amortization as expense accounts, Gross Profit / Net Operating Income / Net Income, the
    period in the title. The cost budget is split over cost of sales and expenses in the ratio
    of the month's actuals; D&A has no budget."""
    paths = []
    for ym in WIDE_CSV_MONTHS:
        rows = [finance[(ym, dept)] for dept in FINANCE_DEPTS]
        first, last = month_start(ym), month_end(ym)
        period = f"{first.strftime('%B')} 1-{last.day}, {first.year}"  # "May 1-31, 2025"

        def budget_split(r: FinanceRow) -> tuple[int, int]:
            costs = r.cogs + r.opex
            cogs_b = round(r.cost_budget * r.cogs / costs) if costs else 0
            return cogs_b, r.cost_budget - cogs_b

        # Per class (then Total): (actual, budget) of each line; budget None = no budget.
        def lines(r: FinanceRow) -> dict[str, tuple[int, int | None]]:
            cogs_b, opex_b = budget_split(r)
            expenses = r.opex + r.dep + r.amort
            gross = r.revenue - r.cogs
            noi = gross - expenses
            return {
                "4000 Services Revenue": (r.revenue, r.revenue_budget),
                "Total for Income": (r.revenue, r.revenue_budget),
                "5000 Delivery Costs": (r.cogs, cogs_b),
                "Total for Cost of Goods Sold": (r.cogs, cogs_b),
                "Gross Profit": (gross, r.revenue_budget - cogs_b),
                "6000 Operating Expenses": (r.opex, opex_b),
                "6800 Depreciation": (r.dep, None),
                "6900 Amortization": (r.amort, None),
                "Total for Expenses": (expenses, opex_b),
                "Net Operating Income": (noi, r.revenue_budget - cogs_b - opex_b),
                "Net Income": (noi, r.revenue_budget - cogs_b - opex_b),
            }

        per_class = [lines(r) for r in rows]
        total = {k: (sum(c[k][0] for c in per_class),
                     None if per_class[0][k][1] is None else sum(c[k][1] for c in per_class))
                 for k in per_class[0]}
        columns = per_class + [total]

        def cells(label: str) -> list[str]:
            money = label.startswith("Total") or label in ("Gross Profit", "Net Operating Income", "Net Income")
            out = []
            for column in columns:
                actual, budget = column[label]
                if budget is None:
                    out += [statement_amount(actual, money), "", "", ""]
                    continue
                share = f"{actual / budget * 100:.2f} %" if budget else ""
                out += [statement_amount(actual, money), statement_amount(budget, money),
                        statement_amount(actual - budget, money), share]
            return out

        width = 1 + 4 * len(columns)
        blank = [""] * (width - 1)
        heading = [""]
        for name in FINANCE_DEPTS + ["Total"]:
            heading += [name, "", "", ""]
        body = [
            [f"Budget vs. Actuals: FY{first.year} Budget - FY{str(first.year)[2:]} P&L Classes"] + blank,
            [COMPANY] + blank,
            [period] + blank,
            [""] * width,
            heading,
            ["Distribution account"] + ["Actual", "Budget", "over Budget", "% of Budget"] * len(columns),
            ["Income"] + blank,
        ]
        body += [[label] + cells(label) for label in ("4000 Services Revenue", "Total for Income")]
        body += [["Cost of Goods Sold"] + blank]
        body += [[label] + cells(label) for label in ("5000 Delivery Costs", "Total for Cost of Goods Sold",
                                                      "Gross Profit")]
        body += [["Expenses"] + blank]
        body += [[label] + cells(label) for label in ("6000 Operating Expenses", "6800 Depreciation",
                                                      "6900 Amortization", "Total for Expenses",
                                                      "Net Operating Income", "Net Income")]
        stamp = (last + dt.timedelta(days=3)).strftime("%A, %B %-d, %Y")
        body += [[""] * width, [""] * width, [f"Accrual Basis {stamp} 09:00 AM GMTZ"] + blank]
        path = statement_path(ym)
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(body)
        path.write_bytes(buf.getvalue().encode("utf-8"))
        paths.append(path)
    return paths


def save_xlsx_deterministic(wb: openpyxl.Workbook, path: Path) -> None:
    """Save, then re-pack the zip with fixed timestamps so the bytes never change."""
    wb.properties.creator = "Kestrel Systems Finance"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    raw = io.BytesIO()
    wb.save(raw)  # openpyxl overwrites `modified` with now(); fixed below
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def write_finance_xlsx(finance: dict[tuple[str, str], FinanceRow]) -> Path:
    path = OUT / "finance" / "finance_2026-H1.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "P&L"
    ws["A1"] = f"{COMPANY} — Management P&L"
    ws["A1"].font = Font(bold=True, size=14)
    header = ["Period", "Business Unit", "Revenue", "COGS", "OpEx", "Depreciation", "Amortization",
              "Revenue budget", "Cost budget"]
    ws.append([])  # row 2 stays empty
    ws.append(header)  # row 3
    for cell in ws[3]:
        cell.font = Font(bold=True)
    rows = restated_rows(finance) + [finance[(ym, d)] for ym in XLSX_MONTHS for d in FINANCE_DEPTS]
    for r in rows:
        ws.append([month_start(r.month), r.dept] + [v / 100 for v in
                  (r.revenue, r.cogs, r.opex, r.dep, r.amort, r.revenue_budget, r.cost_budget)])
        row = ws.max_row
        ws.cell(row, 1).number_format = "mmm yyyy"
        for col in range(3, 10):
            ws.cell(row, col).number_format = "#,##0.00"
    for col, width in zip("ABCDEFGHI", (11, 20, 14, 14, 14, 13, 13, 15, 14)):
        ws.column_dimensions[col].width = width
    save_xlsx_deterministic(wb, path)
    return path


@dataclass
class Posting:
    date: dt.date
    cost_center: str
    category: str
    amount: int  # cents


LEDGER_CATEGORY_ORDER = {"Revenue": 0, "Cost of sales": 1, "Operating expenses": 2, "D&A": 3, "Interest": 4}


def gen_ledger(rng: random.Random, finance: dict[tuple[str, str], FinanceRow]) -> list[Posting]:
    postings: list[Posting] = []
    for ym in LEDGER_MONTHS:
        last = month_end(ym)
        for dept in FINANCE_DEPTS:
            r = finance[(ym, dept)]
            if r.revenue:
                invoices = partition(rng, r.revenue, rng.randint(2, 4))
                if dept == "Consulting" and ym == LEDGER_MONTHS[-1]:
                    # A credit note to an unhappy client, booked as negative revenue.
                    credit = -480_000
                    invoices[0] -= credit
                    invoices.append(credit)
                for amount in invoices:
                    postings.append(Posting(random_day(rng, ym, 3), dept, "Revenue", amount))
            if r.cogs:
                parts = partition(rng, r.cogs, rng.randint(2, 3))
                postings.append(Posting(last, dept, "Cost of sales", parts[0]))  # payroll
                for amount in parts[1:]:  # subcontractors, licences
                    postings.append(Posting(random_day(rng, ym, 5, 25), dept, "Cost of sales", amount))
            for amount in partition(rng, r.opex, rng.randint(2, 3)):
                postings.append(Posting(random_day(rng, ym, 1, 28), dept, "Operating expenses", amount))
            postings.append(Posting(last, dept, "D&A", r.dep + r.amort))
        postings.append(Posting(last, "G&A", "Interest", rng.randrange(2_900, 3_400, 5) * 100))
    postings.sort(key=lambda p: (p.date, FINANCE_DEPTS.index(p.cost_center), LEDGER_CATEGORY_ORDER[p.category]))
    return postings


def write_ledger(postings: list[Posting]) -> Path:
    path = OUT / "finance" / "gl_postings_2026-07_2026-10.csv"
    rows = [[p.date.strftime("%d.%m.%Y"), p.cost_center, p.category, decimal_comma(p.amount)] for p in postings]
    write_csv(path, ["Posting Date", "Cost Center", "Account Category", "Amount"], rows,
              delimiter=";", lineterminator="\n")
    return path


# ---------------------------------------------------------------------------------------------
# Workforce (hr/workforce.tsv)
# ---------------------------------------------------------------------------------------------

LEAVE_FACTOR = {7: 0.94, 8: 0.86, 12: 0.88}  # summer and year-end holidays
HOURS_PER_DAY = 7.0  # contract hours net of sickness and training


@dataclass
class WorkforceRow:
    month: str
    team: str
    fte: float
    available: float
    billable: float
    output: int


def gen_workforce(rng: random.Random) -> list[WorkforceRow]:
    rows = []
    fte = {d: p["fte"] for d, p in DELIVERY_DEPTS.items()}
    for ym in MONTHS:
        hours_per_fte = working_days(ym) * HOURS_PER_DAY * LEAVE_FACTOR.get(int(ym[5:]), 1.0)
        for dept, p in DELIVERY_DEPTS.items():
            if rng.random() < 0.2:  # hires and leavers
                step = rng.choice([-1.0, -0.5, 0.5, 0.5, 1.0])
                if abs(fte[dept] + step - p["fte"]) <= 2.5:
                    fte[dept] += step
            util = rng.uniform(*p["util"])
            if dept == "Cloud Operations" and ym in CLOUD_UTIL_PLAN:
                util = CLOUD_UTIL_PLAN[ym]
            if dept == "Consulting" and ym in CONSULTING_UTIL_PLAN:
                util = CONSULTING_UTIL_PLAN[ym]
            available = round(fte[dept] * hours_per_fte, 1)
            billable = round(available * util, 1)
            output = round(fte[dept] * p["opf"] * (util / 0.82) * rng.uniform(0.93, 1.07))
            rows.append(WorkforceRow(ym, dept, fte[dept], available, billable, output))
    return rows


def write_workforce(rows: list[WorkforceRow]) -> Path:
    path = OUT / "hr" / "workforce.tsv"
    out = [[r.month, r.team, f"{r.fte:.1f}", f"{r.available:.1f}", f"{r.billable:.1f}", str(r.output)] for r in rows]
    write_csv(path, ["Month", "Team", "FTE", "Available Hours", "Billable Hours", "Output Units"], out,
              delimiter="\t", lineterminator="\n")
    return path


FIRST_NAMES = ["Ana", "Ben", "Chloe", "David", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas", "Kaja", "Luca",
               "Mara", "Nils", "Olga", "Pavel", "Rosa", "Sami", "Tess", "Umar", "Vera", "Wim", "Yara", "Zeno"]


def person_email(dept: str, index: int) -> str:
    slug = "".join(c for c in dept.lower() if c.isalpha())[:6]
    return f"{FIRST_NAMES[index % len(FIRST_NAMES)].lower()}.{slug}{index:02d}@kestrel.example"


def write_time_entries(rows: list[WorkforceRow]) -> Path:
    """Toggl Track's detailed report: one row per time entry. Each month × team's billable hours
    (the same numbers as hr/workforce.tsv) are split, in whole minutes, over the team's people
    (ceil(FTE) of them), plus non-billable time (internal work, 5–15% on top). Toggl has no team
    column: `[people]` in sample_data/coo-dashboard.toml places each person. The split draws from
    its own generator, so no other draw changes."""
    path = OUT / "hr" / "toggl_detailed_2025-05_2026-10.csv"
    split = random.Random(f"{SEED}-toggl")
    clock = lambda minutes: f"{minutes // 60:02d}:{minutes % 60:02d}:00"  # noqa: E731
    out = []
    for r in rows:
        people = math.ceil(r.fte)
        days = [d for d in range(1, 29) if dt.date(int(r.month[:4]), int(r.month[5:]), d).weekday() < 5]
        billable = partition(split, round(r.billable * 60), people * 2)
        for i, minutes in enumerate(billable):
            person = i // 2
            email = person_email(r.team, person)
            day = dt.date(int(r.month[:4]), int(r.month[5:]), days[split.randrange(len(days))])
            name = FIRST_NAMES[person % len(FIRST_NAMES)]
            start = dt.datetime.combine(day, dt.time(9, 0))
            end = start + dt.timedelta(minutes=minutes)
            out.append([name, email, "Client work", f"{r.team} delivery", "", "Delivery", "Yes", day.isoformat(),
                        "09:00:00", end.date().isoformat(), end.strftime("%H:%M:%S"), clock(minutes), "", ""])
            if i % 2 == 1:
                internal = round(minutes * 2 * split.uniform(0.05, 0.15))
                end = start + dt.timedelta(minutes=internal)
                out.append([name, email, "", "Internal", "", "Team meeting", "No", day.isoformat(), "09:00:00",
                            end.date().isoformat(), end.strftime("%H:%M:%S"), clock(internal), "", ""])
    write_csv(path, ["User", "Email", "Client", "Project", "Task", "Description", "Billable", "Start date",
                     "Start time", "End date", "End time", "Duration", "Tags", "Amount (EUR)"], out,
              encoding="utf-8-sig")
    return path


def write_people_settings(rows: list[WorkforceRow]) -> Path:
    """`[people]` for the time tracker's report (Toggl exports no team)."""
    path = OUT / "coo-dashboard.toml"
    most = {}
    for r in rows:
        most[r.team] = max(most.get(r.team, 0), math.ceil(r.fte))
    lines = ["# Who logs time for which department (Toggl's detailed report has no team column).", "[people]"]
    for dept, count in most.items():
        lines += [f'"{person_email(dept, i)}" = "{dept}"' for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Deliveries (delivery/projects_2026-10.csv)
# ---------------------------------------------------------------------------------------------

PROJECT_TOPICS = {
    "Engineering": ["Customer portal release", "Payment API integration", "Mobile app rebuild",
                    "Order service refactor", "Partner SSO integration", "Search, filters and sorting",
                    "Booking engine upgrade", "Test automation rollout"],
    "Cloud Operations": ["Azure landing zone", "Kubernetes cluster upgrade", "Backup, restore and DR test",
                         "Cost optimisation review", "AWS migration wave", "Observability stack"],
    "Data & Analytics": ["Sales dashboard", "Churn prediction model", "Data warehouse migration",
                         "Finance reporting pack", "Demand forecast", "Data quality monitoring"],
    "Cybersecurity": ["Penetration test", "ISO 27001 gap analysis", "SOC onboarding",
                      "Phishing simulation", "Identity and access review", "NIS2 readiness"],
    "Consulting": ["IT strategy roadmap", "Operating model review", "Vendor selection",
                   "ERP readiness assessment", "Cloud business case", "Process mapping, phase 1"],
    "Managed Services": ["Service desk transition", "Patch management", "Quarterly service review",
                         "Endpoint refresh", "ITSM tool migration", "Licence true-up"],
}
PROJECT_PHASES = ["Discovery", "Design", "Build", "Pilot", "Go-live", "Handover", "Milestone 2", "Milestone 3"]


@dataclass
class Deliverable:
    project_id: str
    name: str
    client: str
    dept: str
    due: dt.date
    delivered: dt.date | None
    budget_cost: int  # cents
    actual_cost: int | None


def pick_client(rng: random.Random, customers: list[Customer], dept: str, day: dt.date) -> str:
    pool = [c for c in customers if c.segment == dept and active_on(c, day)]
    pool = pool or [c for c in customers if active_on(c, day)]
    return rng.choice(pool).name


def gen_deliverables(rng: random.Random, customers: list[Customer]) -> list[Deliverable]:
    items: list[Deliverable] = []

    def make(dept: str, due: dt.date, status: str, lateness: tuple[int, int] = (1, 6)) -> Deliverable:
        budget = rng.randrange(8_000, 60_000, 500) * 100
        delivered: dt.date | None
        if status == "on_time":
            delivered = due - dt.timedelta(days=rng.randint(0, 6))
        elif status == "late":
            max_late = min(lateness[1], (AS_OF - due).days)
            delivered = due + dt.timedelta(days=rng.randint(min(lateness[0], max_late), max_late))
        else:  # open / future
            delivered = None
        if delivered is not None:
            actual = round(budget * rng.uniform(0.85, 1.12 if status == "on_time" else 1.25))
        elif due <= AS_OF:
            actual = round(budget * rng.uniform(0.6, 1.0))  # cost to date
        else:
            actual = None
        name = f"{rng.choice(PROJECT_TOPICS[dept])} — {rng.choice(PROJECT_PHASES)}"
        return Deliverable("", name, pick_client(rng, customers, dept, due), dept, due, delivered, budget, actual)

    for ym in MONTHS:
        for dept in DELIVERY_DEPTS:
            if dept == "Data & Analytics" and ym in DA_DELIVERY_PLAN:
                statuses = DA_DELIVERY_PLAN[ym][:]
                rng.shuffle(statuses)
                for st in statuses:
                    # Open items must be due before as_of so they count as overdue.
                    due = random_day(rng, ym, 2, 28 if st == "open" else (20 if ym == MONTHS[-1] else None))
                    items.append(make(dept, due, st, lateness=(4, 16)))
                continue
            if dept == "Engineering":
                n = rng.randint(10, 11)
                n_late = 1 if rng.random() < 0.5 else 0  # 1 of >= 10 keeps on-time >= 90%
            elif rng.random() < 0.2:
                n, n_late = 7, (1 if rng.random() < 0.7 else 0)  # 6/7 = 85.7%
            else:
                n, n_late = rng.randint(3, 5), 0
            statuses = ["late"] * n_late + ["on_time"] * (n - n_late)
            rng.shuffle(statuses)
            for st in statuses:
                due = random_day(rng, ym)
                if st == "late" and due >= AS_OF:
                    st = "on_time"
                items.append(make(dept, due, st))
    # Edge case: an item due on the as_of day itself, delivered that same day (on time).
    edge = make("Cybersecurity", AS_OF, "on_time")
    edge.delivered = AS_OF
    edge.name = "Incident response playbook — Handover"
    items.append(edge)
    # Planned work not yet due.
    for ym, count in zip(FUTURE_MONTHS, (8, 7)):
        for _ in range(count):
            dept = rng.choice(list(DELIVERY_DEPTS))
            items.append(make(dept, random_day(rng, ym), "future"))

    items.sort(key=lambda d: (d.due, list(DELIVERY_DEPTS).index(d.dept), d.name))
    for i, d in enumerate(items):
        d.project_id = f"PRJ-{d.due.year}-{i + 1:04d}"
    return items


JIRA_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def jira_time(day: dt.date, minutes: int) -> str:
    """A Jira CSV timestamp: `15/Feb/26 4:37 PM` (day, English month, 2-digit year, 12-hour clock)."""
    hour, minute = divmod(minutes, 60)
    return (f"{day.day:02d}/{JIRA_MONTHS[day.month - 1]}/{day.year % 100:02d} "
            f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}")


def parse_jira_day(text: str) -> dt.date | None:
    if not text:
        return None
    day, month, year = text.split(" ")[0].split("/")
    return dt.date(2000 + int(year), JIRA_MONTHS.index(month) + 1, int(day))


def write_deliverables(items: list[Deliverable]) -> Path:
    """Jira Cloud's CSV export (all fields, trimmed): one issue per deliverable, the department in
    `Custom field (Team)`, client and costs in custom fields, `Labels` repeated as Jira writes it.
    Times of day come from their own generator so no other draw changes."""
    path = OUT / "delivery" / "projects_2026-10.csv"
    clock = random.Random(f"{SEED}-jira")
    money = lambda c: "" if c is None else f"{c // 100}.{c % 100:02d}"  # noqa: E731
    rows = []
    for index, d in enumerate(items):
        created = d.due - dt.timedelta(days=clock.randint(20, 60))
        resolved = "" if d.delivered is None else jira_time(d.delivered, clock.randint(9 * 60, 18 * 60))
        if d.delivered is not None:
            status, resolution = "Done", "Done"
        elif d.due <= AS_OF:
            status, resolution = "In Progress", ""
        else:
            status, resolution = "To Do", ""
        updated = resolved or jira_time(min(AS_OF, d.due), clock.randint(9 * 60, 18 * 60))
        rows.append([d.name, d.project_id, str(10000 + index), "Task", status, "KES", "Kestrel Delivery",
                     "Medium", resolution, jira_time(created, clock.randint(8 * 60, 17 * 60)), updated,
                     resolved, jira_time(d.due, 0), "client-work", "", d.dept, d.client,
                     money(d.budget_cost), money(d.actual_cost)])
    write_csv(path, ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name",
                     "Priority", "Resolution", "Created", "Updated", "Resolved", "Due date", "Labels", "Labels",
                     "Custom field (Team)", "Custom field (Client)", "Custom field (Budget cost)",
                     "Custom field (Actual cost)"], rows)
    return path


# ---------------------------------------------------------------------------------------------
# NPS survey export (surveys/nps_export_2025-05_2026-10.csv)
# ---------------------------------------------------------------------------------------------

NPS_COMMENTS = {
    "promoter": [
        "Great team, always responsive.",
        "They know our systems better than we do.",
        "Delivered on time, on budget, and the handover was excellent.",
        "Proactive, pragmatic and easy to work with.",
        "Strong engineers. Clear communication.",
        "Very reliable service desk",
        "Our account manager, Priya, goes the extra mile.",
    ],
    "passive": [
        "Good work overall, but invoices are hard to read.",
        "Solid delivery. Would like more proactive updates on the roadmap.",
        "Fine.\nSome delays in the last sprint, but the quality was good.",
        "Competent, though a bit expensive.",
        "Mostly good; onboarding of new staff took too long.",
    ],
    "detractor": [
        "Missed deadlines, twice.",
        "Too many handovers between consultants, we had to re-explain everything.",
        "Reports arrive late and contain errors.",
        "Slow response to incidents.",
        "Price went up, service did not.",
    ],
}
# October 2026: why the detractors are unhappy, by segment (others use NPS_COMMENTS["detractor"]).
NPS_OCT_DETRACTOR_COMMENTS = {
    "Consulting": [
        "Consultants changed three times during the project, and the timeline slipped.",
        "We were promised a senior team, we got juniors.",
        "The roadmap workshop was cancelled, again.",
        "Expensive, and the recommendations were generic.",
    ],
    "Data & Analytics": [
        "Our data platform milestone is still not delivered.",
        "Dashboards are weeks late, and nobody tells us why.",
        "Escalated twice, no answer for a week.",
    ],
}
# In 2026-10 the detractors come mostly from Consulting and Data & Analytics clients. Otherwise each
# kind of respondent is spread evenly over the six segments, so department NPS (low-confidence, ~15
# responses) stays near the company value instead of swinging on sampling noise.
NPS_OCT_DETRACTOR_WEIGHTS = {"Consulting": 5.0, "Data & Analytics": 4.0}
ID_ALPHABET = string.ascii_letters + string.digits


@dataclass
class NpsResponse:
    response_id: str
    submitted: dt.datetime
    customer_id: str
    segment: str
    score: str
    comment: str


def gen_nps(rng: random.Random, customers: list[Customer]) -> list[NpsResponse]:
    responses: list[NpsResponse] = []
    segments = list(DELIVERY_DEPTS)
    for ym in MONTHS:
        n = rng.randint(85, 115)
        target = NPS_PLAN.get(ym, rng.uniform(*NPS_NORMAL))
        det_share = 0.27 if ym == MONTHS[-1] else rng.uniform(0.12, 0.18)
        n_det = round(n * det_share)
        n_pro = round(n * (det_share + target / 100))
        n_pas = n - n_pro - n_det
        planned: list[tuple[str, str]] = []  # (kind, segment)
        for kind, count in (("promoter", n_pro), ("passive", n_pas), ("detractor", n_det)):
            if ym == MONTHS[-1] and kind == "detractor":
                weights = [NPS_OCT_DETRACTOR_WEIGHTS.get(sg, 1.0) for sg in segments]
                segs = rng.choices(segments, weights, k=count)
            else:
                segs = []
                while len(segs) < count:  # round-robin over shuffled segments
                    segs += rng.sample(segments, len(segments))
            planned += [(kind, sg) for sg in segs[:count]]
        rng.shuffle(planned)
        for kind, seg in planned:
            if kind == "promoter":
                score = rng.choices([9, 10], [45, 55])[0]
            elif kind == "passive":
                score = rng.choice([7, 8])
            else:
                score = rng.choices(range(7), [1, 1, 1, 2, 3, 5, 7])[0]
            if ym == MONTHS[-1] and kind == "detractor":
                pool = NPS_OCT_DETRACTOR_COMMENTS.get(seg, NPS_COMMENTS["detractor"])
            else:
                pool = NPS_COMMENTS[kind]
            comment = rng.choice(pool) if rng.random() < 0.6 else ""
            day = random_day(rng, ym)
            ts = dt.datetime(day.year, day.month, day.day, rng.randint(7, 20), rng.randint(0, 59), rng.randint(0, 59))
            candidates = [c for c in customers if c.segment == seg and active_on(c, day)]
            cust = rng.choice(candidates).customer_id if candidates and rng.random() < 0.95 else ""  # some anonymous
            rid = "R_" + "".join(rng.choice(ID_ALPHABET) for _ in range(15))
            responses.append(NpsResponse(rid, ts, cust, seg, str(score), comment))
        if ym == HOSTILE_NPS_MONTH:
            day = month_start(ym).replace(day=17)
            responses.append(NpsResponse("R_" + "".join(rng.choice(ID_ALPHABET) for _ in range(15)),
                                         dt.datetime(day.year, day.month, day.day, 23, 41, 7), "", "Engineering",
                                         "11", "11/10, would recommend!"))
    responses.sort(key=lambda r: r.submitted)
    return responses


QUALTRICS_COLUMNS = [  # (column id, question text, import id) — Qualtrics' three header rows
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Berlin"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Berlin"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/Berlin"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    ("Segment", "Segment", '{"ImportId":"Segment"}'),
    ("Q1", NPS_QUESTION, '{"ImportId":"QID1"}'),
    ("Q1_NPS_GROUP", NPS_QUESTION + " - Group", '{"ImportId":"QID1_NPS_GROUP"}'),
    ("Q2", NPS_REASON, '{"ImportId":"QID2_TEXT"}'),
]
# Rows of the export that are not responses (Qualtrics Status 1 = survey preview, Finished 0 =
# abandoned): (month, day, status, finished, score). If counted they would move those months' NPS.
NPS_NOT_RESPONSES = [("2026-10", 6, "1", "1", "0"), ("2026-10", 6, "1", "1", "3"), ("2026-09", 14, "0", "0", "2")]


def write_nps(responses: list[NpsResponse]) -> Path:
    """A Qualtrics CSV export of the NPS survey: column ids, question texts and import ids as three
    header rows, Status / Finished, the NPS group beside the score, previews and an abandoned
    response that are not responses. Metadata comes from its own random stream."""
    path = OUT / "surveys" / "nps_export_2025-05_2026-10.csv"
    meta = random.Random(SEED + 16)

    def group(score: str) -> str:
        if not score.isdigit() or int(score) > 10:
            return ""
        return "3" if int(score) >= 9 else "2" if int(score) >= 7 else "1"

    def row(recorded: dt.datetime, status: str, finished: str, progress: int, rid: str, customer: str,
            segment: str, score: str, comment: str, channel: str) -> list[str]:
        started = recorded - dt.timedelta(seconds=meta.randint(40, 600))
        fmt = "%Y-%m-%d %H:%M:%S"
        return [started.strftime(fmt), recorded.strftime(fmt), status, str(progress),
                str(int((recorded - started).total_seconds())), finished, recorded.strftime(fmt), rid, customer,
                channel, "EN", segment, score, group(score), comment]

    entries = [(r.submitted, row(r.submitted, "0", "1", 100, r.response_id, r.customer_id, r.segment, r.score,
                                 r.comment, "email")) for r in responses]
    for ym, day, status, finished, score in NPS_NOT_RESPONSES:
        when = dt.datetime(int(ym[:4]), int(ym[5:]), day, 11, 30, 0)
        rid = "R_" + "".join(meta.choice(ID_ALPHABET) for _ in range(15))
        entries.append((when, row(when, status, finished, 100 if finished == "1" else 40, rid, "",
                                  "Consulting", score, "", "preview" if status == "1" else "email")))
    entries.sort(key=lambda e: e[0])
    header = [[c[i] for c in QUALTRICS_COLUMNS] for i in range(3)]
    write_csv(path, header[0], header[1:] + [e[1] for e in entries], quoting=csv.QUOTE_ALL)
    return path


# ---------------------------------------------------------------------------------------------
# Helpdesk CSAT (helpdesk/csat_2025.csv, helpdesk/csat_2026.csv)
# ---------------------------------------------------------------------------------------------

CSAT_CHANNELS = {"Email": 50, "Phone": 30, "Portal": 20}


@dataclass
class CsatRating:
    ticket_id: int
    rated: dt.datetime
    channel: str
    satisfaction: str


def gen_csat(rng: random.Random) -> list[CsatRating]:
    ratings: list[CsatRating] = []
    channels, weights = list(CSAT_CHANNELS), list(CSAT_CHANNELS.values())
    for ym in MONTHS:
        n = rng.randint(150, 250)
        n_good = round(n * rng.uniform(0.86, 0.92))
        labels = ["good"] * n_good + ["bad"] * (n - n_good)
        rng.shuffle(labels)
        for label in labels:
            day = random_day(rng, ym)
            ts = dt.datetime(day.year, day.month, day.day, rng.randint(6, 22), rng.randint(0, 59), rng.randint(0, 59))
            ratings.append(CsatRating(0, ts, rng.choices(channels, weights)[0], label))
    ratings.sort(key=lambda r: r.rated)
    ticket = 48_210
    for r in ratings:
        ticket += rng.randint(3, 40)  # not every ticket gets rated
        r.ticket_id = ticket
    return ratings


ZENDESK_HEADER = ["Ticket ID", "Channel", "Satisfaction", "Satisfaction Comment", "Solved at"]


def write_csat(ratings: list[CsatRating]) -> list[Path]:
    """Zendesk-style ticket exports with their satisfaction column: `Good` / `Bad` (`… with comment`
    where the customer wrote one), and solved tickets whose survey was `Offered` or `Unoffered` —
    no rating, never counted. Comments and unrated tickets come from their own random stream."""
    meta = random.Random(SEED + 17)
    paths = []
    rows_by_year: dict[str, list[tuple[dt.datetime, list[str]]]] = {"2025": [], "2026": []}
    for r in ratings:
        commented = meta.random() < 0.2
        label = ("Good" if r.satisfaction == "good" else "Bad") + (" with comment" if commented else "")
        comment = meta.choice(["Quick and friendly", "Solved first time", "Took too long", "Had to call twice"]) \
            if commented else ""
        rows_by_year[str(r.rated.year)].append(
            (r.rated, [str(r.ticket_id), r.channel, label, comment, r.rated.strftime("%Y-%m-%d %H:%M:%S")]))
        if meta.random() < 0.06:  # the next ticket was solved too, but nobody answered its survey
            solved = r.rated + dt.timedelta(minutes=meta.randint(1, 50))
            if solved.year == r.rated.year and solved.month == r.rated.month:
                rows_by_year[str(solved.year)].append(
                    (solved, [str(r.ticket_id + 1), r.channel, meta.choice(["Offered", "Unoffered"]), "",
                              solved.strftime("%Y-%m-%d %H:%M:%S")]))
    for year, entries in rows_by_year.items():
        path = OUT / "helpdesk" / f"csat_{year}.csv"
        entries.sort(key=lambda e: e[0])
        write_csv(path, ZENDESK_HEADER, [e[1] for e in entries], lineterminator="\n")
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------------------------
# Read the written files back and compute SPEC §3 metrics from them
# ---------------------------------------------------------------------------------------------


def parse_money(text: str) -> int:
    """Cents from `€123,456.78`, `12.345,67`, `-4.800,00` or `18500.00`."""
    t = text.replace("€", "").strip()
    if "," in t and ("." not in t or t.rfind(",") > t.rfind(".")):
        t = t.replace(".", "").replace(",", ".")  # decimal comma
    else:
        t = t.replace(",", "")
    neg = t.startswith("-")
    whole, _, frac = t.lstrip("-").partition(".")
    cents = int(whole) * 100 + int((frac + "00")[:2])
    return -cents if neg else cents


def read_csv(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[dict[str, str]]:
    with path.open(newline="", encoding=encoding) as f:
        return list(csv.DictReader(f, delimiter=delimiter))


@dataclass
class Metrics:
    finance: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # (month, dept) -> sums
    finance_source: dict[tuple[str, str], str] = field(default_factory=dict)
    ledger_ignored: list[tuple[str, str, int]] = field(default_factory=list)
    util: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)  # billable, available
    tracked: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)  # minutes: billable, tracked
    fte: dict[tuple[str, str], float] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    overdue_open: dict[str, int] = field(default_factory=dict)
    nps: dict[tuple[str, str | None], list[int]] = field(default_factory=dict)
    nps_rejected: list[tuple[int, str]] = field(default_factory=list)  # (physical line, value)
    nps_not_responses: int = 0  # Qualtrics previews and abandoned responses
    csat_unrated: int = 0  # Zendesk Offered / Unoffered
    not_customers: int = 0  # trialing / incomplete subscriptions
    csat: dict[tuple[str, str | None], list[bool]] = field(default_factory=dict)
    churn: dict[tuple[str, str | None], tuple[int, int, int, int]] = field(default_factory=dict)  # S, churned, mrr S, mrr churned

    # -- finance
    def fin(self, ym: str, dept: str | None) -> dict[str, int]:
        keys = [(ym, d) for d in FINANCE_DEPTS] if dept is None else [(ym, dept)]
        tot = defaultdict(int)
        for k in keys:
            for f, v in self.finance.get(k, {}).items():
                tot[f] += v
        tot["ebitda"] = tot["revenue"] - tot["cogs"] - tot["opex"]
        return tot

    def margin(self, ym: str, dept: str | None) -> float | None:
        f = self.fin(ym, dept)
        return ratio(f["ebitda"], f["revenue"])

    def utilization(self, ym: str, dept: str | None) -> float | None:
        keys = [(ym, d) for d in DELIVERY_DEPTS] if dept is None else [(ym, dept)]
        b = sum(self.util[k][0] for k in keys)
        a = sum(self.util[k][1] for k in keys)
        return ratio(b, a)

    def on_time(self, ym: str, dept: str | None) -> tuple[float | None, int, int]:
        keys = [(ym, d) for d in DELIVERY_DEPTS] if dept is None else [(ym, dept)]
        due = sum(self.deliveries.get(k, {}).get("due", 0) for k in keys)
        ok = sum(self.deliveries.get(k, {}).get("on_time", 0) for k in keys)
        return ratio(ok, due), ok, due

    def nps_value(self, ym: str, dept: str | None) -> tuple[float | None, int]:
        scores = self.nps.get((ym, dept), [])
        pro = sum(s >= 9 for s in scores)
        det = sum(s <= 6 for s in scores)
        r = ratio(pro - det, len(scores))
        return (None if r is None else 100 * r), len(scores)

    def csat_value(self, ym: str, dept: str | None) -> tuple[float | None, int]:
        vals = self.csat.get((ym, dept), [])
        return ratio(sum(vals), len(vals)), len(vals)

    def churn_rate(self, ym: str, dept: str | None) -> tuple[float | None, int, int]:
        s, churned, _, _ = self.churn[(ym, dept)]
        return ratio(churned, s), churned, s

    def revenue_churn(self, ym: str, dept: str | None) -> float | None:
        _, _, mrr_s, mrr_c = self.churn[(ym, dept)]
        return ratio(mrr_c, mrr_s)


def compute_metrics() -> Metrics:
    m = Metrics()
    # Finance: files in natural path order, the later file wins per month+department.
    for ym in WIDE_CSV_MONTHS:
        path = statement_path(ym)
        table = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        period = dt.datetime.strptime(table[2][0].split(" 1-")[0] + " " + table[2][0][-4:], "%B %Y")
        assert period.strftime("%Y-%m") == ym, (path, table[2][0])
        heading, measures = table[4], table[5]
        line = {row[0]: row for row in table[6:] if row and row[0]}
        for col in range(1, len(heading), 4):
            dept = heading[col]
            if dept == "Total":
                continue
            assert measures[col:col + 2] == ["Actual", "Budget"], measures[col:col + 2]
            a = lambda label: parse_money(line[label][col])  # noqa: E731
            b = lambda label: parse_money(line[label][col + 1])  # noqa: E731
            da = a("6800 Depreciation") + a("6900 Amortization")
            key = (ym, dept)
            m.finance[key] = {"revenue": a("Total for Income"), "cogs": a("Total for Cost of Goods Sold"),
                              "opex": a("Total for Expenses") - da, "da": da,
                              "revenue_budget": b("Total for Income"),
                              "cost_budget": b("Total for Cost of Goods Sold") + b("Total for Expenses")}
            m.finance_source[key] = rel(path)
    xlsx_path = OUT / "finance" / "finance_2026-H1.xlsx"
    ws = openpyxl.load_workbook(xlsx_path, data_only=True)["P&L"]
    header = [c.value for c in ws[3]]
    for values in ws.iter_rows(min_row=4, values_only=True):
        row = dict(zip(header, values))
        key = (row["Period"].strftime("%Y-%m"), row["Business Unit"])
        c = lambda name: round(row[name] * 100)  # noqa: E731
        m.finance[key] = {"revenue": c("Revenue"), "cogs": c("COGS"), "opex": c("OpEx"),
                          "da": c("Depreciation") + c("Amortization"),
                          "revenue_budget": c("Revenue budget"), "cost_budget": c("Cost budget")}
        m.finance_source[key] = rel(xlsx_path)
    ledger_path = OUT / "finance" / "gl_postings_2026-07_2026-10.csv"
    category = {"Revenue": "revenue", "Cost of sales": "cogs", "Operating expenses": "opex", "D&A": "da"}
    ledger: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in read_csv(ledger_path, delimiter=";"):
        d = dt.datetime.strptime(row["Posting Date"], "%d.%m.%Y").date()
        amount = parse_money(row["Amount"])
        cat = category.get(row["Account Category"])
        if cat is None:
            m.ledger_ignored.append((ym_of(d), row["Account Category"], amount))
            continue
        ledger[(ym_of(d), row["Cost Center"])][cat] += amount
    for key, sums in ledger.items():
        m.finance[key] = {f: sums.get(f, 0) for f in ("revenue", "cogs", "opex", "da")}
        m.finance_source[key] = rel(ledger_path)

    # Workforce.
    for row in read_csv(OUT / "hr" / "workforce.tsv", delimiter="\t"):
        key = (row["Month"], row["Team"])
        m.util[key] = (float(row["Billable Hours"]), float(row["Available Hours"]))
        m.fte[key] = float(row["FTE"])

    # Time entries: each month × team's billable minutes add up to the workforce file's billable
    # hours; tracked hours add the non-billable entries.
    people = tomllib.loads((OUT / "coo-dashboard.toml").read_text(encoding="utf-8"))["people"]
    for row in read_csv(OUT / "hr" / "toggl_detailed_2025-05_2026-10.csv", encoding="utf-8-sig"):
        h, mi, sec = (int(x) for x in row["Duration"].split(":"))
        key = (row["Start date"][:7], people[row["Email"]])
        billed, tracked = m.tracked.get(key, (0, 0))
        minutes = h * 60 + mi + sec / 60
        m.tracked[key] = (billed + (minutes if row["Billable"] == "Yes" else 0), tracked + minutes)

    # Deliveries (as of AS_OF).
    for row in read_csv(OUT / "delivery" / "projects_2026-10.csv"):
        due, delivered = parse_jira_day(row["Due date"]), parse_jira_day(row["Resolved"])
        if due > AS_OF:
            continue
        dept = row["Custom field (Team)"]
        b = m.deliveries.setdefault((ym_of(due), dept), defaultdict(int))
        b["due"] += 1
        b["on_time"] += delivered is not None and delivered <= due
        if delivered is None and due < AS_OF:
            m.overdue_open[dept] = m.overdue_open.get(dept, 0) + 1

    # NPS (a Qualtrics export: two more header rows; previews and abandoned responses are not
    # responses): reject anything that is not an integer 0..10.
    with (OUT / "surveys" / "nps_export_2025-05_2026-10.csv").open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        next(reader), next(reader)
        start_line = reader.line_num + 1
        for rec in reader:
            row = dict(zip(header, rec))
            raw = row["Q1"]
            if row["Status"] != "0" or row["Finished"] != "1":
                m.nps_not_responses += 1
            elif not raw.isdigit() or not 0 <= int(raw) <= 10:
                m.nps_rejected.append((start_line, raw))
            else:
                ym = row["RecordedDate"][:7]
                for dept in (None, row["Segment"]):
                    m.nps.setdefault((ym, dept), []).append(int(raw))
            start_line = reader.line_num + 1

    # CSAT (Zendesk: Offered / Unoffered are not ratings).
    for year in ("2025", "2026"):
        for row in read_csv(OUT / "helpdesk" / f"csat_{year}.csv"):
            if row["Satisfaction"] in ("Offered", "Unoffered"):
                m.csat_unrated += 1
                continue
            ym = row["Solved at"][:7]
            for dept in (None, row["Channel"]):
                m.csat.setdefault((ym, dept), []).append(row["Satisfaction"].startswith("Good"))

    # Customers from the Stripe subscriptions (SPEC §2b): a customer starts with its first
    # subscription (at its trial's end), ends with its last, and carries the MRR of its live ones
    # (or, once all ended, of those that ended last); trialing and incomplete ones are not customers.
    subs: dict[str, list[tuple[dt.date, dt.date | None, int, str]]] = {}
    for row in read_csv(OUT / "billing" / "subscriptions.csv"):
        if row["Status"] in ("trialing", "incomplete", "incomplete_expired"):
            m.not_customers += 1
            continue
        start = dt.date.fromisoformat(row["Start (UTC)"][:10])
        if row["Trial End (UTC)"]:
            start = max(start, dt.date.fromisoformat(row["Trial End (UTC)"][:10]))
        end = dt.date.fromisoformat(row["Ended At (UTC)"][:10]) if row["Ended At (UTC)"] else None
        per_month = {"month": 1, "year": 1 / 12}[row["Interval"]]
        mrr = round(parse_money(row["Amount"]) * int(row["Quantity"]) * per_month)
        subs.setdefault(row["Customer ID"], []).append((start, end, mrr, row["Segment (metadata)"]))
    custs = []
    for parts in subs.values():
        live = [p for p in parts if p[1] is None]
        end = None if live else max(p[1] for p in parts)
        carried = live or [p for p in parts if p[1] == end]
        custs.append((min(p[0] for p in parts), end, sum(p[2] for p in carried), parts[0][3]))
    for ym in MONTHS:
        first, last = month_start(ym), month_end(ym)
        for dept in [None] + list(DELIVERY_DEPTS):
            s = [c for c in custs if (dept is None or c[3] == dept) and c[0] < first and (c[1] is None or c[1] >= first)]
            churned = [c for c in s if c[1] is not None and c[1] <= last]
            m.churn[(ym, dept)] = (len(s), len(churned), sum(c[2] for c in s), sum(c[2] for c in churned))
    return m


# ---------------------------------------------------------------------------------------------
# Self-check: the planted problems are there and everything else is healthy
# ---------------------------------------------------------------------------------------------


def check(m: Metrics, finance: dict[tuple[str, str], FinanceRow]) -> list[str]:
    problems = []

    def expect(cond: bool, msg: str) -> None:
        if not cond:
            problems.append(msg)

    for key, (billable, _) in m.util.items():
        billed = m.tracked.get(key, (0, 0))[0]
        expect(round(billed) == round(billable * 60), f"time entries of {key} bill {billed} min, not {billable} h")

    # The files read back give exactly the generated figures (restated 2025-12 from the xlsx).
    expected = dict(finance)
    expected.update({(r.month, r.dept): r for r in restated_rows(finance)})
    for key, r in expected.items():
        got = m.finance.get(key, {})
        want = {"revenue": r.revenue, "cogs": r.cogs, "opex": r.opex, "da": r.dep + r.amort}
        expect(all(got.get(f) == v for f, v in want.items()), f"finance round trip {key}: {got} != {want}")
    expect(len(m.finance) == len(expected), "unexpected finance keys")

    cm = [m.margin(ym, "Consulting") for ym in LAST4]
    expect(all(a > b for a, b in zip(cm, cm[1:])), f"Consulting margin not falling: {cm}")
    expect(0.13 <= cm[0] <= 0.17 and cm[3] <= -0.08, f"Consulting margin path off: {cm}")
    nps_sep, nps_oct = m.nps_value("2026-09", None)[0], m.nps_value("2026-10", None)[0]
    expect(nps_sep - nps_oct > 10, f"NPS drop too small: {nps_sep} -> {nps_oct}")
    expect(len(m.nps_rejected) == 1, f"expected exactly one rejected NPS row: {m.nps_rejected}")
    expect(m.nps_not_responses == len(NPS_NOT_RESPONSES), f"NPS previews/abandoned: {m.nps_not_responses}")
    expect(m.csat_unrated > 0, "no Offered/Unoffered tickets in the CSAT export")
    expect(m.not_customers == 4, f"subscriptions that are not customers: {m.not_customers}")
    da_overdue = m.overdue_open.get("Data & Analytics", 0)
    expect(3 <= da_overdue <= 5, f"D&A overdue {da_overdue}")
    expect(sum(m.overdue_open.values()) == da_overdue, f"overdue outside D&A: {m.overdue_open}")
    for ym in ["2026-09", "2026-10"]:
        expect(m.utilization(ym, "Cloud Operations") > 0.95, f"Cloud Ops utilisation {ym}")
    for ym in MONTHS:
        n, count = m.nps_value(ym, None)
        expect(count >= 30, f"company NPS responses {ym}: {count}")
        if ym != "2026-10":
            expect(35 <= n <= 45, f"company NPS {ym}: {n}")
        for dept in DELIVERY_DEPTS:
            expect(m.nps_value(ym, dept)[1] < 30, f"{dept} NPS responses {ym} >= 30")
        rate = m.churn_rate(ym, None)[0]
        if ym in CHURN_PLAN:
            expect(rate >= 0.06, f"churn spike {ym}: {rate}")
        else:
            expect(rate <= 0.02, f"churn {ym}: {rate}")
        c, count = m.csat_value(ym, None)
        expect(150 <= count <= 250 and c >= 0.85, f"CSAT {ym}: {c} ({count})")
        for dept in DELIVERY_DEPTS:
            mg = m.margin(ym, dept)
            if not (dept == "Consulting" and ym in CONSULTING_MARGIN_PLAN and ym != "2026-07"):
                expect(HEALTHY_MARGIN[0] <= mg <= HEALTHY_MARGIN[1], f"{dept} margin {ym}: {mg}")
            u = m.utilization(ym, dept)
            if not (dept == "Cloud Operations" and ym in ("2026-09", "2026-10")):
                expect(HEALTHY_UTIL[0] <= u <= HEALTHY_UTIL[1], f"{dept} utilisation {ym}: {u}")
            ot = m.on_time(ym, dept)[0]
            if dept == "Data & Analytics" and ym in DA_DELIVERY_PLAN:
                expect(ot <= 0.60, f"D&A on-time {ym}: {ot}")
            else:
                floor = ENGINEERING_ON_TIME if dept == "Engineering" else HEALTHY_ON_TIME
                expect(ot is not None and ot >= floor, f"{dept} on-time {ym}: {ot}")
        due = m.on_time(ym, None)[2]
        expect(25 <= due <= 45, f"deliverables due {ym}: {due}")
    return problems


# ---------------------------------------------------------------------------------------------
# docs/sample_data.md
# ---------------------------------------------------------------------------------------------


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def planted_table(m: Metrics) -> list[list[str]]:
    rows = []
    for ym in LAST4:
        f = m.fin(ym, "Consulting")
        rows.append(["Consulting EBITDA margin", ym, f"{pct(m.margin(ym, 'Consulting'))} ({m.margin(ym, 'Consulting'):.4f})",
                     f"EBITDA {eur(f['ebitda'])} / revenue {eur(f['revenue'])}"])
    for ym in ("2026-08", "2026-09", "2026-10"):
        v, n = m.nps_value(ym, None)
        scores = m.nps[(ym, None)]
        rows.append(["Company NPS", ym, f"{v:.1f}", f"{n} responses: {sum(x >= 9 for x in scores)} promoters, "
                     f"{sum(x <= 6 for x in scores)} detractors"])
    sep, oct_ = m.nps_value("2026-09", None)[0], m.nps_value("2026-10", None)[0]
    rows.append(["Company NPS change", "2026-10", f"{oct_ - sep:+.1f}", "vs 2026-09 (max_drop rule: > 10)"])
    for ym in ("2026-08", "2026-09", "2026-10"):
        r, churned, s = m.churn_rate(ym, None)
        rows.append(["Company churn rate", ym, f"{pct(r)} ({r:.4f})", f"{churned} churned of S = {s}"])
    for ym in DA_DELIVERY_PLAN:
        r, ok, due = m.on_time(ym, "Data & Analytics")
        rows.append(["Data & Analytics on-time rate", ym, f"{pct(r)} ({r:.4f})", f"{ok} on time of {due} due"])
    rows.append(["Data & Analytics overdue_open", "2026-10", str(m.overdue_open.get("Data & Analytics", 0)),
                 "not delivered, due before 2026-10-31"])
    for ym in LAST4:
        b, a = m.util[(ym, "Cloud Operations")]
        u = m.utilization(ym, "Cloud Operations")
        rows.append(["Cloud Operations utilization", ym, f"{pct(u)} ({u:.4f})",
                     f"{b:,.1f} billable / {a:,.1f} available h"])
    return rows


def write_docs(m: Metrics, files: list[tuple[Path, str, str, int]], customers: list[Customer],
               finance: dict[tuple[str, str], FinanceRow], postings: list[Posting],
               items: list[Deliverable], responses: list[NpsResponse]) -> str:
    eng = m.fin("2026-10", "Engineering")
    nps_oct, nps_oct_n = m.nps_value("2026-10", None)
    same_month = next(c for c in customers if c.note)
    credit = next(p for p in postings if p.amount < 0)
    edge_item = next(d for d in items if d.due == AS_OF)
    future = [d for d in items if d.due > AS_OF]
    rejected_line, rejected_value = m.nps_rejected[0]
    da_open = sorted((d for d in items if d.dept == "Data & Analytics" and d.delivered is None and d.due < AS_OF),
                     key=lambda d: d.due)
    total_fte = sum(m.fte[(MONTHS[-1], d)] for d in DELIVERY_DEPTS)
    interest = [x for x in m.ledger_ignored if x[1] == "Interest"]

    out: list[str] = []
    w = out.append
    w("# Sample data: Kestrel Systems\n")
    w("<!-- Generated by tools/gen_sample_data.py from the files it wrote. Do not edit by hand: "
      "change the generator and run it again. -->\n")
    w(f"`sample_data/` is the folder COO Dashboard opens by default. It holds 18 months "
      f"({MONTHS[0]} to {MONTHS[-1]}) of exports from the fictional IT services firm **{COMPANY}**, "
      f"written in the shapes real tools produce, with a few problems planted for the COO to find. "
      f"`as_of` is **{AS_OF.isoformat()}** (the last day of the latest month).\n")
    w("Regenerate with `pip install openpyxl && python3 tools/gen_sample_data.py` (deterministic: "
      f"`random.Random({SEED})`, byte-identical output on every run).\n")

    w("## The company\n")
    w(f"{COMPANY} is an IT services firm of about {total_fte:.0f} delivery FTE in {MONTHS[-1]}, "
      f"selling project work and managed services to mid-sized European companies. All amounts are in euros.\n")
    rows = []
    for d, p in DELIVERY_DEPTS.items():
        rows.append([d, "delivery", f"{m.fte[(MONTHS[-1], d)]:.1f}", f"€{p['revenue']:,}", pct(p["margin"]),
                     DEPT_OUTPUT_UNIT[d]])
    for d in OVERHEAD_DEPTS:
        rows.append([d, "overhead (finance only)", "—", "€0 (opex only)", "null (no revenue)", "—"])
    w(md_table(["department", "role", f"FTE {MONTHS[-1]}", "base revenue / month", "typical EBITDA margin",
                "output units"], rows) + "\n")
    w("Revenue grows about 0.35% a month, dips in August (×0.93), December (×0.95) and January (×0.97), "
      "and carries ±3% noise; margins carry ±2.5 points of noise. Sales & Marketing and G&A have revenue 0 "
      "(their `ebitda_margin` and `cost_to_revenue` are null, never 0), but their opex counts in the company "
      "EBITDA, so the company margin sits below the department margins.\n")

    w("## Files\n")
    w(md_table(["file", "kind", "shape and quirks", "data rows"],
               [[f"`{p}`", k, q, str(n)] for p, k, q, n in files]) + "\n")

    w("### Finance: which file wins\n")
    december = rel(statement_path(RESTATED_MONTH))
    w("The finance files cover 2025-05..2025-12 (one P&L statement by class per month, as QuickBooks "
      "prints its Budget vs. Actuals report), 2026-01..2026-06 (xlsx) and 2026-07..2026-10 (GL ledger). "
      "Each statement's class columns are the departments, its month the title's period line; the app "
      "reads revenue, cost of sales and opex from the `Total for` rows, takes the Depreciation and "
      "Amortization accounts out of opex, the budgets from the Budget columns, and notes the skipped "
      "`Total` column once per file. The xlsx repeats **2025-12** for all eight departments, restated. "
      f"`finance/finance_2026-H1.xlsx` sorts after `{december}` in natural order, so the "
      "**xlsx values win for 2025-12** (the data-quality report should name it as the winner). "
      "Five of the eight rows are repeated unchanged; three are corrected:\n")
    rows = []
    for dept, f, delta, reason in RESTATEMENTS:
        old = getattr(finance[(RESTATED_MONTH, dept)], f)
        rows.append([dept, f, eur(old), eur(old + delta), f"{'+' if delta > 0 else '−'}{eur(abs(delta))}", reason])
    w(md_table(["department", "field", f"{statement_path(RESTATED_MONTH).name} (loses)", "finance_2026-H1.xlsx (wins)", "change", "reason"],
               rows) + "\n")
    rows = []
    for dept in FINANCE_DEPTS:
        f = m.fin(RESTATED_MONTH, dept)
        rows.append([dept, eur(f["revenue"]), eur(f["cogs"]), eur(f["opex"]), eur(f["ebitda"]),
                     pct(m.margin(RESTATED_MONTH, dept))])
    f = m.fin(RESTATED_MONTH, None)
    rows.append(["**Company**", eur(f["revenue"]), eur(f["cogs"]), eur(f["opex"]), eur(f["ebitda"]),
                 pct(m.margin(RESTATED_MONTH, None))])
    w(f"Resulting {RESTATED_MONTH} figures (after the restatement):\n")
    w(md_table(["department", "revenue", "cogs", "opex", "EBITDA", "EBITDA margin"], rows) + "\n")
    w(f"The ledger has no budgets, so `cost_budget_variance` exists only for 2025-05..2026-06. "
      f"It has {len(interest)} `Interest` postings (G&A, one per month, total "
      f"{eur(sum(x[2] for x in interest))}) that are not part of EBITDA: the app reports and ignores them. "
      f"Depreciation and amortisation are one `D&A` posting per department and month. "
      f"Consulting's revenue in {ym_of(credit.date)} includes a credit note of {eur(credit.amount)} "
      f"(a negative `Revenue` posting on {credit.date.strftime('%d.%m.%Y')}); the month's revenue is the net sum.\n")

    w("## Planted problems\n")
    w("Values computed from the written files with the SPEC §3 formulas, as of 2026-10-31.\n")
    w(md_table(["problem", "month", "value", "detail"], planted_table(m)) + "\n")
    w("What a COO should see:\n")
    w("1. **Consulting margin collapse** — Consulting's costs stay at the 2026-06 level while its revenue "
      "falls month after month (clients leaving, a credit note in October): the EBITDA margin goes from "
      "normal to negative within one quarter. Its utilisation slides too "
      f"({', '.join(pct(m.utilization(ym, 'Consulting')) for ym in LAST4)} for 2026-07..10), still inside the "
      "healthy band.")
    det = {d: sum(x <= 6 for x in m.nps.get(("2026-10", d), [])) for d in DELIVERY_DEPTS}
    w("2. **NPS drop** — company NPS is stable between 35 and 45 for 17 months, then falls by more than 10 "
      f"points in 2026-10. Of October's {sum(det.values())} detractors, {det['Consulting']} are Consulting and "
      f"{det['Data & Analytics']} Data & Analytics clients (department NPS 2026-10: Consulting "
      f"{m.nps_value('2026-10', 'Consulting')[0]:.1f}, Data & Analytics "
      f"{m.nps_value('2026-10', 'Data & Analytics')[0]:.1f}). "
      "Department NPS always has fewer than 30 responses, so the app shows it as low-confidence.")
    spike = next(iter(CHURN_PLAN))
    spike_n = m.churn_rate(spike, None)[1]
    spike_consulting = m.churn_rate(spike, "Consulting")[1]
    w(f"3. **Churn spike** — 1–2 customers a month normally leave (≤ 2%); in {spike} the churn rate "
      f"jumps above 6%: {spike_n} customers leave, {spike_consulting} of them Consulting clients "
      f"(revenue churn {pct(m.revenue_churn(spike, None))}; Consulting's own churn rate "
      f"{pct(m.churn_rate(spike, 'Consulting')[0])}).")
    w("4. **Data & Analytics late deliveries** — on-time rate ≤ 60% in 2026-08, 2026-09 and 2026-10, and "
      f"{len(da_open)} deliverables due before 2026-10-31 still not delivered:")
    for d in da_open:
        w(f"   - `{d.project_id}` {d.name} ({d.client}), due {d.due.strftime('%d/%m/%Y')}")
    w("5. **Cloud Operations running hot** — utilisation above 95% in 2026-09 and 2026-10 "
      "(the default `warning_above = 0.95` fires for both).\n")
    w("Everything else is kept healthy, and the generator checks it: delivery-department EBITDA margins "
      f"{pct(HEALTHY_MARGIN[0], 0)}–{pct(HEALTHY_MARGIN[1], 0)}, utilisation "
      f"{pct(HEALTHY_UTIL[0], 0)}–{pct(HEALTHY_UTIL[1], 0)}, on-time rate ≥ 85% (Engineering ≥ 90%), "
      "company CSAT ≥ 85%, no overdue items outside Data & Analytics.\n")

    w("## Values to check against\n")
    rows = [
        ["Engineering revenue", "2026-10", eur(eng["revenue"])],
        ["Engineering cogs", "2026-10", eur(eng["cogs"])],
        ["Engineering opex", "2026-10", eur(eng["opex"])],
        ["Engineering EBITDA", "2026-10", eur(eng["ebitda"])],
        ["Engineering EBITDA margin", "2026-10", f"{pct(m.margin('2026-10', 'Engineering'))} "
                                                 f"({m.margin('2026-10', 'Engineering'):.4f})"],
        ["Company NPS", "2026-10", f"{nps_oct:.1f} ({nps_oct_n} responses)"],
    ]
    for ym in MONTHS[-3:]:
        r, churned, s = m.churn_rate(ym, None)
        rows.append(["Company churn rate", ym, f"{pct(r)} ({churned}/{s} = {r:.4f})"])
    for ym in DA_DELIVERY_PLAN:
        r, ok, due = m.on_time(ym, "Data & Analytics")
        rows.append(["Data & Analytics on-time rate", ym, f"{pct(r)} ({ok}/{due} = {r:.4f})"])
    rows.append(["Data & Analytics overdue_open", "2026-10", str(m.overdue_open.get("Data & Analytics", 0))])
    rows.append(["overdue_open, all departments", "2026-10", str(sum(m.overdue_open.values()))])
    w(md_table(["metric", "month", "value"], rows) + "\n")

    w("### Company by month\n")
    rows = []
    for ym in MONTHS:
        f = m.fin(ym, None)
        nps, nn = m.nps_value(ym, None)
        cs, cn = m.csat_value(ym, None)
        ch, churned, s = m.churn_rate(ym, None)
        ot, ok, due = m.on_time(ym, None)
        rows.append([ym, eur(f["revenue"]), eur(f["ebitda"]), pct(m.margin(ym, None)),
                     pct(m.utilization(ym, None)), f"{pct(ot)} ({ok}/{due})", f"{nps:.1f} ({nn})",
                     f"{pct(cs)} ({cn})", f"{pct(ch)} ({churned}/{s})", pct(m.revenue_churn(ym, None))])
    w(md_table(["month", "revenue", "EBITDA", "EBITDA margin", "utilization", "on-time", "NPS (n)", "CSAT (n)",
                "churn (churned/S)", "revenue churn"], rows) + "\n")

    w(f"### Tracked utilization, {MONTHS[-1]}\n")
    w("`tracked_utilization` = billable hours / all hours logged in the Toggl report "
      "(`hr/toggl_detailed_2025-05_2026-10.csv`); the workforce file gives FTE and available hours, so "
      "`utilization` is unchanged by the time entries.\n")
    rows = []
    for dept in list(DELIVERY_DEPTS) + [None]:
        keys = [k for k in m.tracked if k[0] == MONTHS[-1] and (dept is None or k[1] == dept)]
        billed = sum(m.tracked[k][0] for k in keys)
        tracked = sum(m.tracked[k][1] for k in keys)
        rows.append([dept or "Company", f"{billed / 60:,.1f}", f"{tracked / 60:,.1f}", pct(billed / tracked)])
    w(md_table(["department", "billable h", "tracked h", "tracked utilization"], rows) + "\n")

    w("### Delivery departments, last four months\n")
    rows = []
    for dept in DELIVERY_DEPTS:
        for ym in LAST4:
            ot, ok, due = m.on_time(ym, dept)
            nps, nn = m.nps_value(ym, dept)
            rows.append([dept, ym, eur(m.fin(ym, dept)["revenue"]), pct(m.margin(ym, dept)),
                         pct(m.utilization(ym, dept)), f"{pct(ot)} ({ok}/{due})", f"{nps:.1f} ({nn})"])
    w(md_table(["department", "month", "revenue", "EBITDA margin", "utilization", "on-time", "NPS (n, low-confidence)"],
               rows) + "\n")

    w("## Edge cases planted on purpose\n")
    w(f"- `surveys/nps_export_2025-05_2026-10.csv` line {rejected_line}: score `{rejected_value}` "
      f"({HOSTILE_NPS_MONTH}) — outside 0–10; the app must skip the row and list it in the data-quality report. "
      "All NPS figures above exclude it.")
    w(f"- NPS comments contain commas and, in {sum(1 for r in responses if chr(10) in r.comment)} rows, a line "
      "break inside the quoted field (so physical line numbers run ahead of record numbers). "
      f"{sum(1 for r in responses if not r.customer_id)} responses have no Customer ID (anonymous). "
      "The score column header is the full survey question; normalised it reads "
      "`how_likely_are_you_to_recommend_kestrel_systems_to_a_friend_or_colleague`.")
    w(f"- `surveys/nps_export_2025-05_2026-10.csv` is a Qualtrics export: three header rows (column ids, question "
      f"texts, import ids); {m.nps_not_responses} rows are not responses — two survey previews (Status 1, scores 0 "
      "and 3, 2026-10) and one abandoned response (Finished 0, score 2, 2026-09) — and must not count.")
    w(f"- `helpdesk/csat_*.csv` are Zendesk-style ticket exports: {m.csat_unrated} solved tickets say `Offered` or "
      "`Unoffered` in Satisfaction (a survey sent or not, no answer): not ratings. `Good with comment` / "
      "`Bad with comment` are ratings.")
    w(f"- `billing/subscriptions.csv` is a Stripe subscriptions export: some customers have two subscriptions, some "
      "are billed yearly (Amount = 12 × MRR) or per seat (Quantity 2), some started with a 14-day trial (a customer "
      f"from the trial's end); {m.not_customers} subscriptions never became customers (three still trialing at "
      "the as-of date, one `incomplete_expired`).")
    w(f"- `billing/subscriptions.csv`: customer `{same_month.customer_id}` ({same_month.name}) starts "
      f"{same_month.start.isoformat()} and ends {same_month.end.isoformat()} — {same_month.note}. It is never in S "
      "(it did not exist on the first of the month), so it never counts as churn. "
      f"{sum(1 for c in customers if c.end and c.end < month_start(MONTHS[0]))} customers left before "
      f"{MONTHS[0]} and never appear in S. Customer names are non-ASCII (Åkerlund, Müller, …).")
    w(f"- `delivery/projects_2026-10.csv`: `{edge_item.project_id}` is due on the as_of day "
      f"({jira_time(AS_OF, 0)}) and resolved the same day (on time, not overdue). "
      f"{len(future)} deliverables are due in 2026-11/2026-12 (after as_of, not delivered, no actual cost): "
      "they must not count in `deliverables_due` or `overdue_open`. Open past-due items carry their cost to date "
      "in `Custom field (Actual cost)`. Some project names contain commas. `Labels` is repeated, as Jira "
      "writes it: one data-quality note says the first is read.")
    w("- Sales & Marketing and G&A: revenue 0 → `ebitda_margin` and `cost_to_revenue` null.")
    w("- Dates: wide CSV months as `May 2025`; xlsx periods are real date cells (`mmm yyyy`); ledger dates "
      "`31.07.2026`; project dates as Jira writes them (`31/Oct/26 12:00 AM`); NPS `2026-03-31 10:15:00` (Qualtrics "
      "RecordedDate); CSAT `2026-03-31 14:02:11` (Solved at); subscriptions `2026-03-31 09:41` (UTC).")
    w("")
    text = "\n".join(out)
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    return text


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def count_data_rows(path: Path) -> int:
    if "by_class" in path.name:
        return len(FINANCE_DEPTS)  # one row per class column
    if path.suffix == ".xlsx":
        return openpyxl.load_workbook(path, read_only=True)["P&L"].max_row - 3
    delimiter = {".tsv": "\t"}.get(path.suffix, ";" if "gl_postings" in path.name else ",")
    extra_header_rows = 2 if path.name.startswith("nps_export") else 0  # Qualtrics' header rows 2 and 3
    return len(read_csv(path, delimiter=delimiter, encoding="utf-8-sig")) - extra_header_rows


def main() -> int:
    rng = random.Random(SEED)
    customers = gen_customers(rng)
    finance = gen_finance(rng)
    postings = gen_ledger(rng, finance)
    workforce = gen_workforce(rng)
    items = gen_deliverables(rng, customers)
    responses = gen_nps(rng, customers)
    ratings = gen_csat(rng)

    written = [
        (path, "finance (P&L statement)",
         "QuickBooks Budget vs. Actuals by Class, one month per file (period line `May 1-31, 2025` in the title); "
         "8 classes × Actual / Budget / over Budget / % of Budget, then Total; sections with `Total for` rows, "
         "D&A accounts in Expenses; comma-delimited, CRLF, `1,234.56` accounts and `€1,234.56` totals"
         if index == 0 else f"the same report for {ym}")
        for index, (ym, path) in enumerate(zip(WIDE_CSV_MONTHS, write_finance_statements(finance)))
    ] + [
        (write_finance_xlsx(finance), "finance (wide)",
         "sheet `P&L`, title in row 1, empty row 2, header in row 3; date cells `mmm yyyy`, numeric amounts; "
         "2025-12 restated + 2026-01..2026-06"),
        (write_ledger(postings), "finance (ledger)",
         "semicolon-delimited, LF, decimal comma `12.345,67`, dates `31.07.2026`; 2026-07..2026-10; "
         "categories Revenue / Cost of sales / Operating expenses / D&A / Interest"),
        (write_deliverables(items), "deliveries",
         "Jira Cloud CSV: `Issue key`, `Due date`/`Resolved` as `31/Oct/26 12:00 AM`, blank Resolved = not delivered, "
         "department in `Custom field (Team)`, client and costs (`18500.00`) in custom fields, `Labels` twice"),
        (write_workforce(workforce), "workforce",
         "tab-delimited, LF, months `2025-05`, six delivery departments in `Team`"),
        (write_time_entries(workforce), "workforce (time entries)",
         "Toggl Track detailed report, UTF-8 with BOM, one row per entry, `Duration` `HH:MM:SS`, `Billable` Yes/No; "
         "no team column: `[people]` in `coo-dashboard.toml` places each person; billable hours add up to "
         "`hr/workforce.tsv`'s, which gives FTE and available hours"),
        (write_nps(responses), "nps",
         "Qualtrics export: three header rows, every field quoted, comments with commas and embedded newlines; "
         "`Segment` = department; includes the one invalid row (score 11), two previews and one abandoned response"),
    ]
    for path in write_csat(ratings):
        written.append((path, "csat", "Zendesk-style, LF, `Good`/`Bad` (`… with comment`), `Offered`/`Unoffered` "
                        "are not ratings; `Channel` plays the department role"))
    written.append((write_customers(customers), "customers (subscriptions)",
                    "Stripe subscriptions export: comma-delimited, amounts `4250.00`, `YYYY-MM-DD HH:MM` UTC, "
                    "month/year intervals, quantities, trials; `Segment (metadata)` = department"))

    write_people_settings(workforce)
    m = compute_metrics()
    problems = check(m, finance)
    files = [(rel(p), kind, quirks, count_data_rows(p)) for p, kind, quirks in written]
    write_docs(m, files, customers, finance, postings, items, responses)

    print(f"Wrote {len(files)} files to {OUT.relative_to(ROOT)}/ and {DOC.relative_to(ROOT)}")
    for p, kind, _, n in files:
        print(f"  {p:45s} {kind:18s} {n:6d} rows")
    print("\nPlanted values:")
    for problem, ym, value, detail in planted_table(m):
        print(f"  {problem:30s} {ym}  {value:>16s}  {detail}")
    eng = m.fin("2026-10", "Engineering")
    print(f"\nEngineering 2026-10: revenue {eur(eng['revenue'])}, cogs {eur(eng['cogs'])}, opex {eur(eng['opex'])}, "
          f"EBITDA {eur(eng['ebitda'])}, margin {pct(m.margin('2026-10', 'Engineering'), 2)}")
    if problems:
        print("\nSELF-CHECK FAILED:")
        for p in problems:
            print("  - " + p)
        return 1
    print("\nSelf-check passed: planted problems present, everything else healthy.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
