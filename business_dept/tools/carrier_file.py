"""Read a carrier's statement file (物流对账单) with a mapping: plain Python, no database.

``parse(content, filename, mapping)`` takes the file's bytes (XLSX or CSV), its name and
a mapping dict (a ``business.logistics.import.mapping`` as ``_parser_mapping()`` gives
it, or ``DEFAULT_MAPPING``) and returns one dict per row of the carrier::

    {"row": 4, "waybill": "SF1302000001", "date": date(2026, 11, 3), "amount": 23.0,
     "surcharge": 3.0, "weight": 2.5, "pieces": 1, "destination": "上海",
     "key": "1302000001"}

``amount`` is the amount column plus the surcharge columns (``surcharge``); ``key`` the
waybill as it is compared (``tools.waybill``), without the mapping's waybill prefix. Rows are
numbered as in the file (row 1 is its first row); blank rows, total rows (合计 / 小计)
and rows without waybill and amount (a signature under the table) are skipped. Any bad
row raises ``CarrierFileError`` naming the row, the column and the problem: the whole
file is refused, nothing is half read.
"""

import csv
import io
import re
from datetime import date, datetime

import openpyxl
from openpyxl.utils.datetime import from_excel

from .waybill import normalize_prefixes, normalize_waybill

COLUMNS = ("waybill", "date", "amount", "weight", "destination", "pieces", "surcharges")
# A unit written after a header without brackets (运费元, 重量kg).
HEADER_UNITS = ("元", "rmb", "cny", "kg", "公斤")
# A waybill that Excel has shown in scientific notation and saved so: its last digits
# are lost (7.73123E+11, 7,73123E+11 in a decimal-comma locale).
SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+$")
# Excel keeps 15 significant digits: a number with more has lost its last ones.
EXCEL_DIGITS = 15
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
CURRENCY_MARKS = re.compile(r"[\s¥￥元]|RMB|CNY", flags=re.IGNORECASE)

# Today's vocabulary of the carriers (顺丰 / 中通 / 德邦 month-end statements): the
# default mapping, shipped as a record too (data/business_logistics_import_mapping_data.xml).
DEFAULT_MAPPING = {
    "header_rows": 20,
    "columns": {
        "waybill": [
            "waybill",
            "waybill no",
            "waybill number",
            "tracking reference",
            "tracking number",
            "tracking no",
            "运单号",
            "运单号码",
            "运单编号",
            "快递单号",
            "快递单号码",
            "物流单号",
            "邮件号",
            "面单号",
            "单号",
        ],
        "amount": [
            "amount",
            "freight",
            "cost",
            "charge",
            "金额",
            "运费",
            "费用",
            "运费金额",
            "应付金额",
            "应付运费",
            "总运费",
            "总费用",
            "结算金额",
        ],
        "date": [
            "date",
            "ship date",
            "shipping date",
            "日期",
            "发货日期",
            "寄件日期",
            "寄件时间",
            "发件日期",
            "发运日期",
            "揽收日期",
            "揽收时间",
            "开单日期",
        ],
        "weight": ["weight", "计费重量", "重量", "实际重量"],
        "destination": ["destination", "目的地", "收件城市", "到达城市", "目的城市"],
        "pieces": ["pieces", "件数"],
        "surcharges": [],
    },
    "date_formats": ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"],
    "decimal_separator": "auto",
    "thousands_separator": "auto",
    "encoding": "auto",
    "total_words": ["合计", "小计", "总计", "总合计", "共", "total", "subtotal", "grand total"],
    "waybill_prefix": "",
}


class CarrierFileError(ValueError):
    """A file or a row refused: ``code`` names the problem, ``row`` and ``column`` (the
    header as written) where it is, ``params`` its values. ``str()`` is an English
    sentence; the import wizard words it in the user's language from ``code``."""

    MESSAGES = {
        "empty": "The file is empty.",
        "xlsx": "The file cannot be read as XLSX: %(error)s",
        "encoding": "The file is not %(encoding)s text.",
        "csv": "The file cannot be read as CSV: %(error)s",
        "no_rows": "The file has no rows.",
        "no_header": "The file has no %(missing)s column: none of its first %(count)s rows "
        "is a header naming a waybill and an amount column.",
        "no_lines": "The file has a header but no rows.",
        "waybill_missing": "the waybill is missing.",
        "not_waybill": "%(value)s is not a waybill.",
        "not_waybill_number": "%(value)s is not a waybill number.",
        "digits_lost": "%(value)s has more than %(digits)s digits and was stored as a number: "
        "its last digits are lost.",
        "scientific": "%(value)s is in scientific notation: the waybill lost its last digits.",
        "not_amount": "%(value)s is not an amount.",
        "negative": "the amount %(value)s is negative.",
        "not_number": "%(value)s is not a number.",
        "not_date": "%(value)s is not a date.",
        "outside_period": "%(date)s is outside the statement period %(date_from)s - %(date_to)s.",
    }

    def __init__(self, code, row=None, column=None, **params):
        self.code, self.row, self.column, self.params = code, row, column, params
        message = self.MESSAGES[code] % params
        if row is not None:
            message = f"Row {row}, column {column}: {message}"
        super().__init__(message)


def split_names(text):
    """A list of names typed one a line or separated by commas (, ， ; ；)."""
    if isinstance(text, list | tuple):
        return [str(name).strip() for name in text if str(name).strip()]
    return [name.strip() for name in re.split(r"[\n,，;；]", text or "") if name.strip()]


def header_key(name):
    """Comparable form of a header: no unit in brackets, spaces, punctuation, case."""
    text = re.sub(r"[(（\[【].*?[)）\]】]", "", str(name or ""))
    return re.sub(r"[\s._\-/:：#*]", "", text).lower()


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------- reading
def read_table(content, filename, encoding="auto"):
    """The file's rows (lists of cells) as they are in the file: XLSX when it is a zip
    or named ``.xlsx``, CSV otherwise (``encoding`` auto: UTF-8 with or without BOM,
    GB18030, or UTF-16 with BOM)."""
    if not content:
        raise CarrierFileError("empty")
    if content[:2] == b"PK" or (filename or "").lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _decode(content, encoding)


def _read_xlsx(content):
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        workbook.close()
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise CarrierFileError("xlsx", error=error) from error
    return rows


def _decode(content, encoding):
    if encoding and encoding != "auto":
        encodings = (encoding,)
    elif content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encodings = ("utf-16",)  # Excel's "Unicode Text": UTF-16 with BOM, tabs
    else:
        encodings = ("utf-8-sig", "gb18030")
    for name in encodings:
        try:
            return content.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    shown = "UTF-8 / GB18030" if encodings == ("utf-8-sig", "gb18030") else encodings[0]
    raise CarrierFileError("encoding", encoding=shown)


def _csv_tables(text):
    """The text read with each likely separator, the sniffed one first."""
    try:
        sniffed = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = ","
    for delimiter in dict.fromkeys((sniffed, ",", ";", "\t")):
        try:
            yield list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error as error:
            raise CarrierFileError("csv", error=error) from error


# ---------------------------------------------------------------------- header
class _Vocabulary:
    """The mapping's header names and total words, as keys."""

    def __init__(self, mapping):
        self.header_rows = int(mapping.get("header_rows") or 20)
        columns = mapping.get("columns") or {}
        self.names = {
            column: {header_key(name) for name in split_names(columns.get(column))}
            for column in COLUMNS
        }
        self.total_words = tuple(
            header_key(word) for word in split_names(mapping.get("total_words"))
        )

    def column_of(self, cell):
        """The column (waybill, amount...) a header cell names, or None."""
        if not isinstance(cell, str):
            return None
        key = header_key(cell)
        candidates = [key] + [key[: -len(unit)] for unit in HEADER_UNITS if key.endswith(unit)]
        for column in COLUMNS:
            if any(candidate in self.names[column] for candidate in candidates):
                return column
        return None

    def find_header(self, table):
        """``(index of the header row, {column: [cell indexes]})`` of the first of the
        first rows naming a waybill and an amount column; ``(None, best columns)``."""
        best = {}
        for index, row in enumerate(table[: self.header_rows]):
            columns = {}
            for position, cell in enumerate(row):
                column = self.column_of(cell)
                if column == "surcharges":
                    columns.setdefault(column, []).append(position)
                elif column and column not in columns:
                    columns[column] = [position]
            if "waybill" in columns and "amount" in columns:
                return index, columns
            if len(columns) > len(best):
                best = columns
        return None, best

    def is_total_row(self, row, waybill_index):
        """A total row: its first filled cell, or with no waybill any cell, starts with a
        total word (合计 / 小计 / Total)."""
        if not self.total_words:
            return False
        texts = (cell for cell in row if isinstance(cell, str) and cell.strip())
        first = next(texts, None)
        if first is None:
            return False
        if header_key(first).startswith(self.total_words):
            return True
        waybill = row[waybill_index] if waybill_index < len(row) else None
        return is_blank(waybill) and any(
            header_key(text).startswith(self.total_words) for text in texts
        )


def find_table(content, filename, mapping):
    """``(table, header index, columns)`` of the file, the CSV separator being the one
    that shows the header (title rows fool the sniffer)."""
    vocabulary = _Vocabulary(mapping)
    table = read_table(content, filename, mapping.get("encoding") or "auto")
    if isinstance(table, str):
        tables = list(_csv_tables(table))
        found = [(t, *vocabulary.find_header(t)) for t in tables]
        table, index, columns = next((f for f in found if f[1] is not None), found[0])
    else:
        index, columns = vocabulary.find_header(table)
    if not any(any(not is_blank(cell) for cell in row) for row in table):
        raise CarrierFileError("no_rows")
    if index is None:
        missing = "waybill" if "waybill" not in columns else "amount"
        raise CarrierFileError("no_header", missing=missing, count=vocabulary.header_rows)
    return table, index, columns, vocabulary


# ---------------------------------------------------------------------- values
def to_waybill(value):
    """The waybill as text, or ``CarrierFileError`` (code and params, no row yet).

    Excel shows a long number in scientific notation and keeps 15 digits: a waybill
    saved so has lost digits and would match nothing (or the wrong delivery), so it is
    refused rather than guessed. A number that is an exact integer (an XLSX number
    cell, 773123456789.0) is the waybill's digits."""
    if is_blank(value):
        raise CarrierFileError("waybill_missing")
    if isinstance(value, bool):
        raise CarrierFileError("not_waybill", value=value)
    if isinstance(value, float):
        if not value.is_integer():
            raise CarrierFileError("not_waybill_number", value=value)
        value = int(value)
        if len(str(abs(value))) > EXCEL_DIGITS:
            raise CarrierFileError("digits_lost", value=f"{value:.6g}", digits=EXCEL_DIGITS)
    if isinstance(value, int):
        return str(value)
    text = str(value).strip()
    if SCIENTIFIC.match(text):
        raise CarrierFileError("scientific", value=text)
    if re.fullmatch(r"\d+\.0+", text):  # a number cell written as 773123456789.0
        text = text.split(".")[0]
    if not normalize_waybill(text):
        raise CarrierFileError("not_waybill", value=text)
    return text


def to_number(value, decimal="auto", thousands="auto"):
    """A number from a cell, or None: ``1,234.50``, ``1.234,50``, ``20,00``, ``¥20``,
    ``20元``; with given separators (``decimal=","``, ``thousands="."``) only those."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = CURRENCY_MARKS.sub("", str(value or ""))
    if decimal in (".", ","):
        if thousands == "auto":
            thousands = "." if decimal == "," else ","
        if thousands:
            text = text.replace(thousands, "")
        text = text.replace("\u00a0", "").replace("'", "").replace(decimal, ".")
    elif "," in text:
        if "." in text and text.rindex(".") > text.rindex(","):
            text = text.replace(",", "")  # 1,234.50
        elif re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")  # 1,234
        else:
            text = text.replace(".", "").replace(",", ".")  # 1.234,50 / 20,00
    try:
        return float(text)
    except ValueError:
        return None


def to_date(value, formats=()):
    """A date from a cell, or None: a date cell, an Excel serial day number, ISO text
    or one of ``formats`` (strptime formats)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        # a date cell without a date format: Excel's serial day number
        try:
            return from_excel(value).date()
        except (ValueError, OverflowError, TypeError):
            return None
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial day number written as text
        return to_date(float(text))
    day = text.split(" ")[0].split("T")[0]
    if ISO_DATE.match(day):  # the usual case, without strptime
        try:
            return date(int(day[:4]), int(day[5:7]), int(day[8:10]))
        except ValueError:
            return None  # 2025-02-30: no other format reads it either
    for fmt in formats:
        for candidate in (text, day):
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------------- rows
class _RowReader:
    """Reads the rows under the header with the mapping's formats."""

    def __init__(self, table, header_index, columns, mapping, period):
        self.header = table[header_index]
        self.columns = columns
        self.formats = split_names(mapping.get("date_formats")) or DEFAULT_MAPPING["date_formats"]
        self.decimal = mapping.get("decimal_separator") or "auto"
        self.thousands = mapping.get("thousands_separator") or "auto"
        self.period = period

    def cells(self, row, column):
        values = []
        for index in self.columns.get(column, ()):
            value = row[index] if index < len(row) else None
            values.append(value.strip() if isinstance(value, str) else value)
        return values

    def cell(self, row, column):
        values = self.cells(row, column)
        return values[0] if values else None

    def refuse(self, error, number, column, index=0):
        name = self.header[self.columns[column][index]]
        raise CarrierFileError(error.code, row=number, column=name, **error.params) from error

    def number(self, row, number, column, value, index=0):
        result = to_number(value, self.decimal, self.thousands)
        if result is None:
            code = "not_amount" if column in ("amount", "surcharges") else "not_number"
            self.refuse(CarrierFileError(code, value=value), number, column, index)
        if result < 0:
            self.refuse(CarrierFileError("negative", value=result), number, column, index)
        return result

    def values(self, row, number):
        """The row as a dict, or ``CarrierFileError`` naming row and column."""
        try:
            waybill = to_waybill(self.cell(row, "waybill"))
        except CarrierFileError as error:
            self.refuse(error, number, "waybill")
        amount = self.number(row, number, "amount", self.cell(row, "amount"))
        surcharge = 0.0
        for index, value in enumerate(self.cells(row, "surcharges")):
            if not is_blank(value):
                surcharge += self.number(row, number, "surcharges", value, index)
        values = {
            "row": number,
            "waybill": waybill,
            "date": self.read_date(row, number),
            "amount": amount + surcharge,
            "surcharge": surcharge,
            "destination": None,
            "weight": None,
            "pieces": None,
        }
        destination = self.cell(row, "destination")
        if not is_blank(destination):
            values["destination"] = str(destination)
        for column in ("weight", "pieces"):
            value = self.cell(row, column)
            if not is_blank(value):
                values[column] = self.number(row, number, column, value)
        if values["pieces"] is not None:
            values["pieces"] = int(values["pieces"])
        return values

    def read_date(self, row, number):
        value = self.cell(row, "date")
        if is_blank(value):
            return None
        day = to_date(value, self.formats)
        if day is None:
            self.refuse(CarrierFileError("not_date", value=value), number, "date")
        if self.period and not self.period[0] <= day <= self.period[1]:
            error = CarrierFileError(
                "outside_period", date=day, date_from=self.period[0], date_to=self.period[1]
            )
            self.refuse(error, number, "date")
        return day


def parse(content, filename, mapping, period=None):
    """The carrier's rows of the file (see the module's docstring), checked against the
    statement ``period`` (``(first day, last day)``) when given."""
    table, header_index, columns, vocabulary = find_table(content, filename, mapping)
    reader = _RowReader(table, header_index, columns, mapping, period)
    waybill_index = columns["waybill"][0]
    amount_index = columns["amount"][0]
    prefixes = normalize_prefixes(split_names(mapping.get("waybill_prefix")))
    rows = []
    for number, row in enumerate(table[header_index + 1 :], start=header_index + 2):
        if all(is_blank(cell) for cell in row) or vocabulary.is_total_row(row, waybill_index):
            continue
        waybill = row[waybill_index] if waybill_index < len(row) else None
        amount = row[amount_index] if amount_index < len(row) else None
        if is_blank(waybill) and is_blank(amount):
            continue
        values = reader.values(row, number)
        values["key"] = normalize_waybill(values["waybill"], prefixes)
        rows.append(values)
    if not rows:
        raise CarrierFileError("no_lines")
    return rows
