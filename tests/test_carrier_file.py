"""The carrier file parser (business_dept/tools/carrier_file.py) without Odoo or a
database: one test per shape of file carriers send."""

import copy
import importlib.util
import io
import os
import sys
from datetime import date, datetime

import openpyxl
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(REPO, "business_dept", "tools")


def _load_tools():
    """``business_dept/tools`` as a package of its own: importing ``business_dept``
    would import Odoo."""
    name = "business_dept_tools_standalone"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, os.path.join(TOOLS, "__init__.py"), submodule_search_locations=[TOOLS]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        spec.loader.exec_module(package)
    return importlib.import_module(name + ".carrier_file")


carrier_file = _load_tools()
CarrierFileError = carrier_file.CarrierFileError


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _mapping(**changes):
    mapping = copy.deepcopy(carrier_file.DEFAULT_MAPPING)
    columns = changes.pop("columns", {})
    mapping["columns"].update(columns)
    mapping.update(changes)
    return mapping


def test_shunfeng_xlsx_title_rows_and_total():
    """顺丰-like: a title and the period above the header, units in the headers, dates as
    date cells, a 合计 row and a signature under the table (default mapping)."""
    content = _xlsx(
        [
            ["顺丰速运 月结对账单"],
            ["对账期间：2026-11-01 至 2026-11-30", None, "客户：测试公司"],
            ["运单号码", "发货日期", "目的地", "计费重量(kg)", "运费(元)"],
            ["SF1302000001", datetime(2026, 11, 3, 10, 12), "上海", 2.5, 23],
            ["SF1302000002", date(2026, 11, 10), "北京", 10, 120.5],
            [None, None, None, None, None],
            ["合计", None, None, 12.5, 143.5],
            [None, None, "制表人：张三"],
        ]
    )
    november = (date(2026, 11, 1), date(2026, 11, 30))
    rows = carrier_file.parse(content, "顺丰11月.xlsx", carrier_file.DEFAULT_MAPPING, november)
    assert [(r["row"], r["waybill"], r["date"], r["amount"]) for r in rows] == [
        (4, "SF1302000001", date(2026, 11, 3), 23.0),
        (5, "SF1302000002", date(2026, 11, 10), 120.5),
    ]
    assert rows[0]["destination"] == "上海"
    assert rows[1]["weight"] == 10.0
    assert rows[0]["surcharge"] == 0.0


def test_gbk_csv_comma_decimals_and_dot_thousands():
    """A GBK CSV with semicolons, a decimal comma and a dot for thousands, with surcharge
    columns added to the freight."""
    text = "\r\n".join(
        [
            "中通快递对账单;;;;",
            "单号;日期;运费;保价费;件数",
            "ZT7001;03.11.2026;1.234,50;2,00;3",
            "ZT7002;04.11.2026;20,00;;1",
            "合计;;1.254,50;2,00;4",
        ]
    )
    mapping = _mapping(
        encoding="gbk",
        decimal_separator=",",
        thousands_separator=".",
        date_formats="%d.%m.%Y",
        columns={"surcharges": "保价费, 附加费", "pieces": "件数"},
    )
    rows = carrier_file.parse(text.encode("gbk"), "zto.csv", mapping)
    assert [(r["row"], r["waybill"], r["amount"], r["surcharge"]) for r in rows] == [
        (3, "ZT7001", 1236.5, 2.0),
        (4, "ZT7002", 20.0, 0.0),
    ]
    assert rows[0]["date"] == date(2026, 11, 3)
    assert rows[0]["pieces"] == 3
    # the same file read as UTF-8 is refused as such
    with pytest.raises(CarrierFileError) as caught:
        carrier_file.parse(text.encode("gbk"), "zto.csv", _mapping(encoding="utf-8"))
    assert caught.value.code == "encoding"


def test_other_columns_prefix_and_serial_dates():
    """A carrier with its own column names, a waybill prefix, dates as 2026/11/03 and
    as Excel serial numbers; the default vocabulary does not read it."""
    content = _xlsx(
        [
            ["DB Express statement"],
            ["Consignment", "Pickup", "Billed CNY", "Remote fee"],
            ["DPK-8800123", "2026/11/03", "15.5", 1],
            ["dpk 8800124", 46330, 20, None],
        ]
    )
    mapping = _mapping(
        header_rows=5,
        columns={
            "waybill": "Consignment",
            "date": "Pickup",
            "amount": "Billed",
            "surcharges": "Remote fee",
        },
        date_formats="%Y/%m/%d",
        waybill_prefix="DPK",
    )
    rows = carrier_file.parse(content, "db.xlsx", mapping)
    assert [(r["waybill"], r["key"], r["date"], r["amount"]) for r in rows] == [
        ("DPK-8800123", "8800123", date(2026, 11, 3), 16.5),
        ("dpk 8800124", "8800124", date(2026, 11, 4), 20.0),
    ]
    with pytest.raises(CarrierFileError) as caught:
        carrier_file.parse(content, "db.xlsx", carrier_file.DEFAULT_MAPPING)
    assert caught.value.code == "no_header"


def test_bad_rows_name_row_and_column():
    mapping = carrier_file.DEFAULT_MAPPING
    head = ["运单号", "金额"]
    bad = [
        ([head, ["WB1", "20"], ["WB2", "abc"]], "Row 3, column 金额", "abc"),
        ([head, ["WB1", "-5"]], "Row 2, column 金额", "negative"),
        ([["运单号", "日期", "金额"], ["WB1", "now", "5"]], "Row 2, column 日期", "not a date"),
        ([["title"], head, ["7.73123E+11", "5"]], "Row 3, column 运单号", "scientific"),
        ([head, [7731234567890123456, 5]], "Row 2, column 运单号", "15 digits"),
    ]
    for rows, where, what in bad:
        with pytest.raises(CarrierFileError) as caught:
            carrier_file.parse(_xlsx(rows), "bad.xlsx", mapping)
        assert where in str(caught.value)
        assert what in str(caught.value)
    with pytest.raises(CarrierFileError) as caught:
        carrier_file.parse(
            b"waybill,date,amount\nWB1,2026-12-01,5\n",
            "s.csv",
            mapping,
            (date(2026, 11, 1), date(2026, 11, 30)),
        )
    assert caught.value.code == "outside_period"
    assert caught.value.row == 2


def test_file_level_refusals():
    mapping = carrier_file.DEFAULT_MAPPING
    for content, name, code in (
        (b"", "s.csv", "empty"),
        (b"PK\x03\x04 not a workbook", "s.xlsx", "xlsx"),
        (b"waybill,amount\n", "s.csv", "no_lines"),
        (b"\n\n", "s.csv", "no_rows"),
        (b"date,amount\n2026-01-01,5\n", "s.csv", "no_header"),
    ):
        with pytest.raises(CarrierFileError) as caught:
            carrier_file.parse(content, name, mapping)
        assert caught.value.code == code, (content, caught.value.code)


def test_names_split_on_commas_and_lines():
    assert carrier_file.split_names("运单号，单号\nWaybill; tracking") == [
        "运单号",
        "单号",
        "Waybill",
        "tracking",
    ]
