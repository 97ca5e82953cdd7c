import base64
import io

import xlsxwriter

from odoo import api, models


class BusinessXlsxReport(models.AbstractModel):
    """Small base for the addon's XLSX files (after OCA report_xlsx).

    A concrete export calls ``_xlsx_render(fill)`` with a function that fills the
    workbook, and ``_xlsx_download(content, filename)`` to hand it to the browser.
    Large exports pass ``constant_memory=True``: rows are then written to disk as
    they come (each row must be written once, in order), so memory does not grow
    with the row count.
    """

    _name = "business.xlsx.report"
    _description = "Business Department XLSX Report"

    @api.model
    def _xlsx_render(self, fill, constant_memory=False):
        """Return the bytes of a workbook filled by ``fill(workbook)``."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            output,
            {"constant_memory": constant_memory, "in_memory": not constant_memory},
        )
        try:
            fill(workbook)
        finally:
            workbook.close()
        return output.getvalue()

    @api.model
    def _xlsx_formats(self, workbook):
        """The formats every report of the addon shares."""
        return {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}
            ),
            "text": workbook.add_format({"border": 1}),
            "date": workbook.add_format({"border": 1, "num_format": "yyyy-mm-dd"}),
            "amount": workbook.add_format({"border": 1, "num_format": "#,##0.00"}),
            "percent": workbook.add_format({"border": 1, "num_format": "0.0"}),
            "ok": workbook.add_format(
                {"border": 1, "bg_color": "#C6EFCE", "font_color": "#006100"}
            ),
            "bad": workbook.add_format(
                {"border": 1, "bg_color": "#FFC7CE", "font_color": "#9C0006"}
            ),
        }

    @api.model
    def _xlsx_download(self, content, filename):
        """Store the file as an attachment and return the action that downloads it."""
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "datas": base64.b64encode(content),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
