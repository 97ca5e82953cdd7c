"""18.0.2.0.0: one sales target per salesperson (or team), year and company.

Release 18.0.1.x declared ``unique(company_id, user_id, team_id, year)``, which SQL does
not enforce when one of the columns is empty (always one of salesperson and team): two
identical targets could be saved and the KPIs then counted the target twice. The new
code creates a unique index on ``(company_id, year, COALESCE(user_id, 0),
COALESCE(team_id, 0))``; it cannot be created while duplicates exist.

Before the update, of each group of duplicates the target changed last (``write_date``,
then the highest id) is kept: it is the director's latest decision. The others are
deleted with their monthly lines; each one removed is logged (id, owner, year, amount)
and written in the kept target's chatter, so that the director can check the amounts.
The old, ineffective constraint is dropped. Idempotent: without duplicates nothing is
changed.
"""

import logging

from markupsafe import Markup
from openupgradelib import openupgrade

_logger = logging.getLogger(__name__)

OLD_CONSTRAINT = "business_sales_target_target_unique"


def duplicate_targets(cr):
    """[(kept id, [removed ids])] of the duplicated targets."""
    cr.execute(
        """
        SELECT (ARRAY_AGG(id ORDER BY write_date DESC NULLS LAST, id DESC))[1],
               (ARRAY_AGG(id ORDER BY write_date DESC NULLS LAST, id DESC))[2:]
          FROM business_sales_target
      GROUP BY company_id, year, COALESCE(user_id, 0), COALESCE(team_id, 0)
        HAVING COUNT(*) > 1
        """
    )
    return cr.fetchall()


def merge_duplicate_targets(env):
    cr = env.cr
    note_subtype = env.ref("mail.mt_note", raise_if_not_found=False)
    for kept_id, removed_ids in duplicate_targets(cr):
        cr.execute(
            """
            SELECT t.id, t.year, t.amount, COALESCE(p.name, tm.name->>'en_US', '')
              FROM business_sales_target t
         LEFT JOIN res_users u ON u.id = t.user_id
         LEFT JOIN res_partner p ON p.id = u.partner_id
         LEFT JOIN crm_team tm ON tm.id = t.team_id
             WHERE t.id IN %s
          ORDER BY t.id
            """,
            [tuple(removed_ids)],
        )
        removed = cr.fetchall()
        for target_id, year, amount, owner in removed:
            _logger.warning(
                "Sales target %s (%s %s, annual %s) duplicates target %s: removed.",
                target_id,
                owner,
                year,
                amount,
                kept_id,
            )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            env._(
                "Duplicate targets of the same salesperson or team and year were removed "
                "on upgrade; this target, changed last, is kept. Removed:"
            ),
            Markup("").join(
                Markup("<li>%s</li>")
                % env._(
                    "#%(id)s %(owner)s %(year)s: annual target %(amount)s",
                    id=target_id,
                    owner=owner,
                    year=year,
                    amount=amount,
                )
                for target_id, year, amount, owner in removed
            ),
        )
        cr.execute(
            """
            INSERT INTO mail_message (model, res_id, body, message_type, subtype_id, date,
                                      create_date, write_date)
            VALUES ('business.sales.target', %s, %s, 'comment', %s,
                    now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',
                    now() AT TIME ZONE 'UTC')
            """,
            [kept_id, str(body), note_subtype.id if note_subtype else None],
        )
        openupgrade.logged_query(
            cr,
            "DELETE FROM mail_message WHERE model = 'business.sales.target' AND res_id IN %s",
            [tuple(removed_ids)],
        )
        openupgrade.logged_query(
            cr,
            "DELETE FROM mail_followers WHERE res_model = 'business.sales.target' AND res_id IN %s",
            [tuple(removed_ids)],
        )
        openupgrade.logged_query(
            cr, "DELETE FROM business_sales_target WHERE id IN %s", [tuple(removed_ids)]
        )
    openupgrade.logged_query(
        cr,
        f"ALTER TABLE business_sales_target DROP CONSTRAINT IF EXISTS {OLD_CONSTRAINT}",
    )
    openupgrade.logged_query(
        cr, "DELETE FROM ir_model_constraint WHERE name = %s", [OLD_CONSTRAINT]
    )


@openupgrade.migrate()
def migrate(env, version):
    merge_duplicate_targets(env)
