from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _business_check_quotation_signoff(self, report_ref, res_ids):
        """Printing is a way for a quotation to leave the company: it needs the sign-off
        (报价需总经理确认签字)."""
        if res_ids and self._get_report(report_ref).model == "sale.order":
            ids = [res_ids] if isinstance(res_ids, int) else res_ids
            self.env["sale.order"].browse(ids)._business_check_signoff()

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        self._business_check_quotation_signoff(report_ref, res_ids)
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _render_qweb_html(self, report_ref, docids, data=None):
        self._business_check_quotation_signoff(report_ref, docids)
        return super()._render_qweb_html(report_ref, docids, data=data)
