"""18.0.2.3.0: the customer file is per company. A customer shared by the companies of a
group (``company_id`` empty) has one closing day (关账日), payment method (付款方式), grade
(客户分级) and framework agreement (购销框架协议) per company: company-dependent fields,
stored by Odoo 18 as jsonb on ``res_partner`` (``{"<company id>": value}``).

Each column is renamed to its legacy name and created again as jsonb; each value goes to
the company that made it: the partner's company, else every company whose documents
(sale orders, customer invoices, customer statements) used it for the partner's
customer, else the main company. The agreement document, an attachment of the field
``agreement_document``, becomes a plain attachment of the customer, referenced per
company by ``agreement_attachment_id``. Idempotent: a column already jsonb is left.
"""

from openupgradelib import openupgrade

from odoo.tools import SQL

# column -> how an empty value is told (an empty integer is 0)
COLUMNS = {
    "closing_day": "IS DISTINCT FROM 0",
    "customer_grade": "IS NOT NULL",
    "payment_method": "IS NOT NULL",
    "agreement_date": "IS NOT NULL",
    "agreement_expiry": "IS NOT NULL",
    "agreement_filename": "IS NOT NULL",
    "agreement_expiry_reminded": "IS NOT NULL",
}


def _query(cr, query):
    """``logged_query`` of an ``odoo.tools.SQL``."""
    openupgrade.logged_query(cr, query.code, query.params)


def _column_type(cr, column):
    cr.execute(
        "SELECT data_type FROM information_schema.columns"
        " WHERE table_name = 'res_partner' AND column_name = %s",
        (column,),
    )
    row = cr.fetchone()
    return row and row[0]


def _owner_documents(cr):
    """SQL of (customer, company) pairs of the documents that used a customer file."""
    parts = [
        "SELECT cp.commercial_partner_id, so.company_id FROM sale_order so"
        " JOIN res_partner cp ON cp.id = so.partner_id",
        "SELECT am.commercial_partner_id, am.company_id FROM account_move am"
        " WHERE am.move_type IN ('out_invoice', 'out_refund')",
    ]
    if openupgrade.table_exists(cr, "business_customer_statement"):
        parts.append("SELECT partner_id, company_id FROM business_customer_statement")
    return SQL(" UNION ".join(parts))


def _fill_owners(cr, legacy):
    """Temporary table ``business_partner_owner(partner_id, company_id)`` of the partners
    with a value in one of the ``legacy`` columns."""
    has_value = SQL(" OR ").join(
        [
            *(
                SQL("p.%s %s", SQL.identifier(column), SQL(COLUMNS[name]))
                for name, column in legacy.items()
            ),
            SQL("a.id IS NOT NULL"),
        ]
    )
    cr.execute(
        SQL(
            """
            CREATE TEMP TABLE business_partner_owner ON COMMIT DROP AS
            WITH valued AS (
                SELECT DISTINCT p.id, p.company_id, p.commercial_partner_id
                  FROM res_partner p
             LEFT JOIN ir_attachment a ON a.res_model = 'res.partner' AND a.res_id = p.id
                   AND a.res_field = 'agreement_document'
                 WHERE %(has_value)s),
            owners AS (
                SELECT id AS partner_id, company_id FROM valued WHERE company_id IS NOT NULL
                 UNION
                SELECT v.id, d.company_id
                  FROM valued v
                  JOIN (%(documents)s) d(customer_id, company_id)
                    ON d.customer_id = COALESCE(v.commercial_partner_id, v.id)
                 WHERE v.company_id IS NULL AND d.company_id IS NOT NULL)
            SELECT partner_id, company_id FROM owners
             UNION ALL
            SELECT v.id, COALESCE(
                       (SELECT res_id FROM ir_model_data
                         WHERE module = 'base' AND name = 'main_company'),
                       (SELECT MIN(id) FROM res_company))
              FROM valued v
             WHERE NOT EXISTS (SELECT 1 FROM owners o WHERE o.partner_id = v.id)
            """,
            has_value=has_value,
            documents=_owner_documents(cr),
        )
    )


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    legacy = {}
    for column in COLUMNS:
        if _column_type(cr, column) not in (None, "jsonb"):
            legacy[column] = openupgrade.get_legacy_name(column)
    if not legacy and openupgrade.column_exists(cr, "res_partner", "agreement_attachment_id"):
        return
    openupgrade.rename_columns(cr, {"res_partner": list(legacy.items())})
    for column in [*legacy, "agreement_attachment_id"]:
        if not openupgrade.column_exists(cr, "res_partner", column):
            _query(cr, SQL("ALTER TABLE res_partner ADD COLUMN %s jsonb", SQL.identifier(column)))
    _fill_owners(cr, legacy)
    for column, old in legacy.items():
        _query(
            cr,
            SQL(
                """
                UPDATE res_partner p SET %(column)s = v.value
                  FROM (SELECT o.partner_id,
                               jsonb_object_agg(o.company_id::text, to_jsonb(q.%(old)s)) AS value
                          FROM business_partner_owner o
                          JOIN res_partner q ON q.id = o.partner_id
                         WHERE q.%(old)s %(has_value)s
                      GROUP BY o.partner_id) v
                 WHERE p.id = v.partner_id
                """,
                column=SQL.identifier(column),
                old=SQL.identifier(old),
                has_value=SQL(COLUMNS[column]),
            ),
        )
    # the agreement document: an attachment of the customer, referenced per company
    openupgrade.logged_query(
        cr,
        """
        UPDATE res_partner p SET agreement_attachment_id = v.value
          FROM (SELECT o.partner_id, jsonb_object_agg(o.company_id::text, a.id) AS value
                  FROM business_partner_owner o
                  JOIN ir_attachment a ON a.res_model = 'res.partner' AND a.res_id = o.partner_id
                   AND a.res_field = 'agreement_document'
              GROUP BY o.partner_id) v
         WHERE p.id = v.partner_id
        """,
    )
    filename = legacy.get("agreement_filename")
    _query(
        cr,
        SQL(
            """
            UPDATE ir_attachment a SET res_field = NULL, name = COALESCE(%(filename)s, a.name),
                   company_id = (SELECT MIN(o.company_id) FROM business_partner_owner o
                                  WHERE o.partner_id = a.res_id)
             WHERE a.res_model = 'res.partner' AND a.res_field = 'agreement_document'
            """,
            filename=SQL(
                "(SELECT p.%s FROM res_partner p WHERE p.id = a.res_id)", SQL.identifier(filename)
            )
            if filename
            else SQL("NULL"),
        ),
    )
