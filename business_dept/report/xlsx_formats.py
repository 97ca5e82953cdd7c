def xlsx_formats(workbook):
    """The cell formats every XLSX report of the addon shares."""
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "header": workbook.add_format(
            {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
        ),
        "text": workbook.add_format({"border": 1}),
        "date": workbook.add_format({"border": 1, "num_format": "yyyy-mm-dd"}),
        "amount": workbook.add_format({"border": 1, "num_format": "#,##0.00"}),
        "percent": workbook.add_format({"border": 1, "num_format": "0.0"}),
        "ok": workbook.add_format({"border": 1, "bg_color": "#C6EFCE", "font_color": "#006100"}),
        "bad": workbook.add_format({"border": 1, "bg_color": "#FFC7CE", "font_color": "#9C0006"}),
    }
