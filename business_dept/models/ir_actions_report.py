from odoo import api, fields, models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    business_form_code = fields.Char(
        string="Form Code",
        help="Code of the form in the company's quality system (表单编号, e.g. QR-BD-003), "
        "printed in the header of the department's forms.",
    )

    @api.model
    def _business_default_form_codes(self, codes):
        """At installation: the forms' codes (``{report xml id: code}``), where none is set;
        the company then edits them on the report (Settings › Technical › Reports)."""
        for xmlid, code in codes.items():
            report = self.env.ref(xmlid, raise_if_not_found=False)
            if report and not report.business_form_code:
                report.business_form_code = code

    def _business_check_quotation_signoff(self, report_ref, res_ids):
        """Printing is a way for a quotation to leave the company: it needs the sign-off
        (报价需总经理确认签字)."""
        if res_ids and self._get_report(report_ref).model == "sale.order":
            ids = [res_ids] if isinstance(res_ids, int) else res_ids
            self.env["sale.order"].browse(ids)._business_check_signoff()

    def _business_check_printable(self, report_ref, res_ids):
        """A form of the department is never printed for a record the user may not read:
        the access error comes before any rendering."""
        report = self._get_report(report_ref)
        if res_ids and report.report_name.startswith("business_dept.") and report.model:
            ids = [res_ids] if isinstance(res_ids, int) else res_ids
            self.env[report.model].browse(ids).check_access("read")

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        self._business_check_printable(report_ref, res_ids)
        self._business_check_quotation_signoff(report_ref, res_ids)
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_html(self, report_ref, docids, data=None):
        self._business_check_printable(report_ref, docids)
        self._business_check_quotation_signoff(report_ref, docids)
        return super()._render_qweb_html(report_ref, docids, data=data)
