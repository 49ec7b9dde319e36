"""Writes the spreadsheet fixtures in tests/data/ (xlsx, xls, ods).

Run: pip install openpyxl odfpy xlwt && python3 tools/make_spreadsheet_fixtures.py
The values are the ones the tests in tests/reading.rs expect; change both together.
"""
import datetime
from pathlib import Path

import openpyxl
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableRow, TableCell
from odf.text import P

OUT = Path(__file__).resolve().parent.parent / "tests" / "data"
FIXED = datetime.datetime(2026, 1, 1)


def xlsx_with_title_rows():
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED
    notes = wb.active
    notes.title = "Notes"
    notes["A1"] = "This workbook holds the P&L on the next sheet."
    pl = wb.create_sheet("P&L")
    pl["A1"] = "Kestrel Systems — Management P&L"
    pl.append([])
    pl.append(["Period", "Business Unit", "Revenue", "COGS", "OpEx", "Cost budget"])
    rows = [
        (datetime.date(2026, 3, 1), "Engineering", 1234.5, 200.25, 100, 290),
        (datetime.date(2026, 3, 1), "Sales", 2000, 500, 250.5, "#DIV/0!"),
    ]
    for row in rows:
        pl.append(list(row))
    for cell in pl["A"][3:]:
        cell.number_format = "mmm yyyy"
    wb.save(OUT / "finance_title_rows.xlsx")


def xlsx_serial_dates():
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED
    ws = wb.active
    ws.append(["id", "department", "due_date", "delivered_date"])
    # 46112 is Excel's serial for 2026-03-31; 46113 for 2026-04-01 (no date format applied).
    ws.append(["D-1", "Engineering", 46112, 46113])
    ws.append(["D-2", "Engineering", 46112, None])
    wb.save(OUT / "deliveries_serial_dates.xlsx")


def xls_legacy():
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Sheet1")
    for col, value in enumerate(["month", "department", "revenue", "cogs", "opex"]):
        ws.write(0, col, value)
    for col, value in enumerate(["2026-03", "Engineering", 1234.5, 200.25, 100]):
        ws.write(1, col, value)
    wb.save(str(OUT / "finance_legacy.xls"))


def ods():
    doc = OpenDocumentSpreadsheet()
    table = Table(name="Sheet1")
    for values in (["month", "department", "revenue", "cogs", "opex"], ["2026-03", "Engineering", 1234.5, 200.25, 100]):
        row = TableRow()
        for value in values:
            if isinstance(value, str):
                cell = TableCell(valuetype="string")
            else:
                cell = TableCell(valuetype="float", value=value)
            cell.addElement(P(text=str(value)))
            row.addElement(cell)
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(str(OUT / "finance_open_document.ods"))


if __name__ == "__main__":
    xlsx_with_title_rows()
    xlsx_serial_dates()
    xls_legacy()
    ods()
