"""18.0.2.0.0: KPI snapshots get the numerators of their rates and the department flag.

Department totals are now ratios of sums (Σ on time ÷ Σ due), which needs each rate's
numerator; snapshots frozen before only kept the rates and denominators, so the
numerators are derived from them (rate × denominator). ``in_department`` is set as the
report sets it. A rate without a denominator was stored as 0 and "not ok": it becomes
"no data" (NULL rate and flag). Idempotent: only rows still without the values change.
"""

from openupgradelib import openupgrade

# rate, its ok flag, its numerator, its denominator, factor
RATES = [
    ("achievement", "achievement_ok", None, "target_amount", 100.0),
    (
        "payment_ontime_rate",
        "payment_ontime_ok",
        "payment_ontime_count",
        "payment_due_count",
        100.0,
    ),
    (
        "payment_ontime_amount_rate",
        "payment_ontime_amount_ok",
        "payment_ontime_amount",
        "payment_due_amount",
        100.0,
    ),
    ("invoice_ontime_rate", "invoice_ontime_ok", "delivery_ontime_count", "delivery_count", 100.0),
    ("review_ontime_rate", "review_ontime_ok", "review_ontime_count", "review_count", 100.0),
    ("satisfaction", "satisfaction_ok", "survey_score", "survey_count", 1.0),
    (
        "backlog_explained_rate",
        "backlog_explained_ok",
        "backlog_explained_count",
        "backlog_count",
        100.0,
    ),
]
COUNTS = {
    "payment_ontime_count",
    "delivery_ontime_count",
    "review_ontime_count",
    "backlog_explained_count",
}


@openupgrade.migrate()
def migrate(env, version):
    cr = env.cr
    for rate, flag, numerator, denominator, factor in RATES:
        if numerator:
            value = f"COALESCE({rate}, 0) * {denominator} / {factor}"
            if numerator in COUNTS:
                value = f"round({value})"
            openupgrade.logged_query(
                cr,
                f"UPDATE business_kpi_snapshot SET {numerator} = {value} WHERE {numerator} IS NULL",
            )
        openupgrade.logged_query(
            cr,
            f"UPDATE business_kpi_snapshot SET {rate} = NULL, {flag} = NULL"
            f" WHERE COALESCE({denominator}, 0) = 0 AND ({rate} IS NOT NULL OR {flag} IS NOT NULL)",
        )
    in_department = env["business.kpi.report"]._kpi_in_department()
    cr.execute(
        f"""UPDATE business_kpi_snapshot s SET in_department = {in_department.code}
              FROM business_kpi_snapshot s2 LEFT JOIN res_users u ON u.id = s2.user_id
             WHERE s2.id = s.id AND s.in_department IS NULL""",
        in_department.params,
    )
