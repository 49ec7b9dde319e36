"""pandas peer for the issue-7 benchmark, for context: the same aggregates as duckdb_peer.py.
Run: python3 pandas_peer.py DATA_DIR OUT.json
"""
import json
import sys

import pandas as pd

data, out = sys.argv[1], sys.argv[2]


def by(frame, keys, aggregations):
    detail = frame.groupby(keys, dropna=False).agg(**aggregations).reset_index()
    company = frame.groupby(keys[0]).agg(**aggregations).reset_index()
    return pd.concat([detail, company])


finance = pd.read_csv(f"{data}/finance.csv")
workforce = pd.read_csv(f"{data}/workforce.csv")
deliveries = pd.read_csv(f"{data}/deliveries.csv", parse_dates=["due_date", "delivered_date"])
nps = pd.read_csv(f"{data}/nps.csv", parse_dates=["date"])
csat = pd.read_csv(f"{data}/csat.csv", parse_dates=["date"])
customers = pd.read_csv(f"{data}/customers.csv", parse_dates=["start_date", "end_date"])

as_of = max(finance.month.max(), workforce.month.max(),
            nps.date.max().strftime("%Y-%m"), csat.date.max().strftime("%Y-%m"))
as_of_day = pd.Period(as_of, "M").end_time.normalize()

result = {}
finance["da"] = finance.depreciation + finance.amortization
result["finance"] = by(finance, ["month", "department"], dict(
    revenue=("revenue", "sum"), cogs=("cogs", "sum"), opex=("opex", "sum"), da=("da", "sum"),
    cost_budget=("cost_budget", "sum")))
result["workforce"] = by(workforce, ["month", "department"], dict(
    fte=("fte", "sum"), available=("available_hours", "sum"),
    billable=("billable_hours", "sum"), output=("output_units", "sum")))

d = deliveries[deliveries.due_date <= as_of_day].copy()
d["month"] = d.due_date.dt.strftime("%Y-%m")
d["on_time"] = d.delivered_date <= d.due_date
late = (d.delivered_date - d.due_date).dt.days
d["late_days"] = late.where(late > 0)
d["overdue"] = d.delivered_date.isna() & (d.due_date < as_of_day)
d["overrun"] = (d.actual_cost > d.budget_cost) & d.delivered_date.notna()
result["deliveries"] = by(d, ["month", "department"], dict(
    due=("id", "count"), on_time=("on_time", "sum"), avg_late=("late_days", "mean"),
    overdue=("overdue", "sum"), overrun=("overrun", "sum")))

nps["month"] = nps.date.dt.strftime("%Y-%m")
nps["promoter"] = nps.score >= 9
nps["detractor"] = nps.score <= 6
result["nps"] = by(nps, ["month", "department"], dict(
    responses=("score", "count"), promoters=("promoter", "sum"), detractors=("detractor", "sum")))

csat["month"] = csat.date.dt.strftime("%Y-%m")
csat["satisfied"] = csat.satisfaction >= 4
result["csat"] = by(csat, ["month", "department"], dict(
    responses=("satisfaction", "count"), satisfied=("satisfied", "sum")))

frames = []
for first_day in pd.date_range("2023-11-01", as_of_day, freq="MS"):
    next_day = first_day + pd.offsets.MonthBegin(1)
    active = customers[(customers.start_date < first_day)
                       & (customers.end_date.isna() | (customers.end_date >= first_day))].copy()
    active["month"] = first_day.strftime("%Y-%m")
    active["churned"] = active.end_date < next_day
    frames.append(active)
active = pd.concat(frames)
result["customers"] = by(active, ["month", "department"], dict(
    active=("customer_id", "count"), churned=("churned", "sum"), mrr=("mrr", "sum")))

with open(out, "w") as f:
    json.dump({"as_of": str(as_of_day.date()), "rows": {k: len(v) for k, v in result.items()},
               "values": {k: v.astype(str).values.tolist() for k, v in result.items()}}, f)
