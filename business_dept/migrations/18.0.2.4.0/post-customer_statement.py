"""18.0.2.4.0, customer statements (客户对账单):

- the e-mail template that sends a statement attaches its PDF and XLSX reports
  (``report_template_ids``; the template is ``noupdate``, so an existing database gets
  them here);
- a dispute is a dedicated activity type, 「Statement Disputed」: the open to-dos
  「Statement disputed by the customer」 of earlier versions (their summary in any
  language the database has) take it, so that sending the statement again or its
  confirmation marks them done."""

from openupgradelib import openupgrade

from odoo.tools.translate import code_translations

DISPUTE_SUMMARY = "Statement disputed by the customer"


@openupgrade.migrate()
def migrate(env, version):
    template = env.ref("business_dept.mail_template_customer_statement", False)
    reports = env.ref("business_dept.customer_statement_pdf_report", False) | env.ref(
        "business_dept.customer_statement_xlsx_report", False
    )
    if template and reports:
        template.report_template_ids |= reports
    dispute_type = env.ref("business_dept.mail_activity_type_statement_dispute", False)
    todo = env.ref("mail.mail_activity_data_todo", False)
    if not dispute_type or not todo:
        return
    summaries = {DISPUTE_SUMMARY}
    for code, __ in env["res.lang"].get_installed():
        translations = code_translations.get_python_translations("business_dept", code)
        summaries.add(translations.get(DISPUTE_SUMMARY, DISPUTE_SUMMARY))
    activities = (
        env["mail.activity"]
        .with_context(active_test=False)
        .search(
            [
                ("res_model", "=", "business.customer.statement"),
                ("activity_type_id", "=", todo.id),
                ("summary", "in", sorted(summaries)),
            ]
        )
    )
    activities.write({"activity_type_id": dispute_type.id})
