"""DuckDB peer for the issue-7 benchmark: the same monthly company and department aggregates
that `coo-dashboard report` computes (SPEC §3), from the canonical CSVs `gen-data` writes, in one
process, written as JSON. Run: python3 duckdb_peer.py DATA_DIR OUT.json
"""
import json
import sys

import duckdb

data, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute(f"""
create view finance as select * from read_csv('{data}/finance.csv', header=true);
create view workforce as select * from read_csv('{data}/workforce.csv', header=true);
create view deliveries as select * from read_csv('{data}/deliveries.csv', header=true,
    types={{'due_date': 'DATE', 'delivered_date': 'DATE'}});
create view nps as select * from read_csv('{data}/nps.csv', header=true, types={{'date': 'DATE'}});
create view csat as select * from read_csv('{data}/csat.csv', header=true, types={{'date': 'DATE'}});
create view customers as select * from read_csv('{data}/customers.csv', header=true,
    types={{'start_date': 'DATE', 'end_date': 'DATE'}});
""")
as_of = con.execute("""
    select max(m) from (
        select max(month) as m from finance union all select max(month) from workforce
        union all select strftime(max(date), '%Y-%m') from nps
        union all select strftime(max(date), '%Y-%m') from csat)
""").fetchone()[0]
as_of_day = con.execute(f"select last_day(strptime('{as_of}-01', '%Y-%m-%d'))").fetchone()[0]

queries = {
    "finance": """
        select month, department, sum(revenue) revenue, sum(cogs) cogs, sum(opex) opex,
               sum(depreciation + amortization) da, sum(cost_budget) cost_budget
        from finance group by grouping sets ((month, department), (month))""",
    "workforce": """
        select w.month, w.department, sum(fte) fte, sum(available_hours) available,
               sum(billable_hours) billable, sum(output_units) output,
               sum(billable_hours) / nullif(sum(available_hours), 0) utilization
        from workforce w group by grouping sets ((w.month, w.department), (w.month))""",
    "deliveries": f"""
        select strftime(due_date, '%Y-%m') as month, department, count(*) as due,
               count(*) filter (where delivered_date <= due_date) on_time,
               avg(delivered_date - due_date) filter (where delivered_date > due_date) avg_late,
               count(*) filter (where delivered_date is null and due_date < date '{as_of_day}') overdue,
               count(*) filter (where actual_cost > budget_cost and delivered_date is not null) overrun
        from deliveries where due_date <= date '{as_of_day}'
        group by grouping sets ((1, department), (1))""",
    "nps": """
        select strftime(date, '%Y-%m') as month, department, count(*) responses,
               100.0 * (count(*) filter (where score >= 9) - count(*) filter (where score <= 6))
                   / count(*) nps
        from nps group by grouping sets ((1, department), (1))""",
    "csat": """
        select strftime(date, '%Y-%m') as month, department, count(*) responses,
               count(*) filter (where satisfaction >= 4) / count(*) csat
        from csat group by grouping sets ((1, department), (1))""",
    "customers": f"""
        with months as (
            select strftime(m, '%Y-%m') as month, m first_day, m + interval 1 month next_day
            from range(date '2023-11-01', date '{as_of_day}', interval 1 month) t(m))
        select month, department, count(*) active,
               count(*) filter (where end_date < next_day) churned,
               sum(mrr) mrr, sum(mrr) filter (where end_date < next_day) churned_mrr
        from months join customers
          on start_date < first_day and (end_date is null or end_date >= first_day)
        group by grouping sets ((month, department), (month))""",
}
result = {name: con.execute(sql).fetchall() for name, sql in queries.items()}
with open(out, "w") as f:
    json.dump({"as_of": str(as_of_day), "rows": {k: len(v) for k, v in result.items()},
               "values": {k: [[str(c) for c in row] for row in v] for k, v in result.items()}}, f)
