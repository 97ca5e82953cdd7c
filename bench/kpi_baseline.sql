-- Baseline of the KPI benchmark: one hand-written query computing, for one company
-- and one month, the figures of business.kpi.report per salesperson of the
-- department (SPEC §8, the definitions of the report's docstring), each part
-- filtered to the month first. Local time: a stored datetime belongs to the local
-- day/month of the company's time zone (working calendar); the month's bounds are
-- turned into UTC once so the filters stay on the stored columns.
-- Parameters: %(company)s, %(month)s (first day), %(next_month)s (first day after).
WITH tz AS (
    SELECT COALESCE(rc.tz, 'UTC') AS tz,
           (%(month)s::timestamp AT TIME ZONE COALESCE(rc.tz, 'UTC')) AT TIME ZONE 'UTC'
               AS utc_start,
           (%(next_month)s::timestamp AT TIME ZONE COALESCE(rc.tz, 'UTC')) AT TIME ZONE 'UTC'
               AS utc_end
      FROM res_company c
 LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
     WHERE c.id = %(company)s
), dept AS (                -- the department: internal members of the manager group
    SELECT u.id AS user_id
      FROM res_users u
      JOIN res_groups_users_rel r ON r.uid = u.id
      JOIN ir_model_data g ON g.res_id = r.gid AND g.model = 'res.groups'
           AND g.module = 'business_dept' AND g.name = 'group_business_manager'
     WHERE u.share IS NOT TRUE
       AND u.id NOT IN (SELECT d.res_id FROM ir_model_data d
                         WHERE d.module = 'base' AND d.model = 'res.users'
                           AND d.name IN ('user_root', 'user_admin', 'default_user',
                                          'public_user'))
), output AS (              -- 产值: untaxed invoices minus credit notes, by invoice date
    SELECT am.invoice_user_id AS user_id, sum(am.amount_untaxed_signed) AS output_amount
      FROM account_move am
     WHERE am.company_id = %(company)s AND am.state = 'posted'
       AND am.move_type IN ('out_invoice', 'out_refund')
       AND am.invoice_date >= %(month)s AND am.invoice_date < %(next_month)s
  GROUP BY 1
), calendar AS (           -- the company calendar, when deadlines move past days off
    SELECT rc.id, COALESCE(rc.tz, 'UTC') AS tz, rc.two_weeks_calendar
      FROM res_company c
      JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
     WHERE c.id = %(company)s AND c.legal_deadline_shift
), working AS MATERIALIZED (  -- its working days from the month's first day to 31 days past its end
    SELECT g.day
      FROM calendar cal
     CROSS JOIN LATERAL (SELECT %(month)s::date + n AS day
                           FROM generate_series(0, %(next_month)s::date + 31 - %(month)s::date) n) g
     WHERE EXISTS (SELECT 1 FROM business_calendar_workday w
                    WHERE w.calendar_id = cal.id AND w.date = g.day)
        OR EXISTS (SELECT 1 FROM resource_calendar_attendance a
                    WHERE a.calendar_id = cal.id AND a.resource_id IS NULL
                      AND a.display_type IS NULL AND a.day_period IS DISTINCT FROM 'lunch'
                      AND a.dayofweek = (EXTRACT(ISODOW FROM g.day)::int - 1)::text
                      AND (a.date_from IS NULL OR a.date_from <= g.day)
                      AND (a.date_to IS NULL OR a.date_to >= g.day)
                      AND (cal.two_weeks_calendar IS NOT TRUE OR a.week_type
                           = mod((g.day - DATE '0001-01-01') / 7, 2)::text)
                      AND NOT EXISTS (
                          SELECT 1 FROM resource_calendar_leaves l
                           WHERE l.resource_id IS NULL AND l.time_type = 'leave'
                             AND (l.calendar_id = cal.id OR l.calendar_id IS NULL)
                             AND l.date_from <= ((g.day + make_interval(secs => a.hour_from * 3600))
                                                 AT TIME ZONE cal.tz AT TIME ZONE 'UTC')
                             AND l.date_to >= ((g.day + make_interval(secs => a.hour_to * 3600))
                                               AT TIME ZONE cal.tz AT TIME ZONE 'UTC')))
), installment AS (         -- 回款及时率: installments due in the month, owed and paid
                            -- by the legal deadline (第二百零三条: a due date on a day off
                            -- moves to the first working day after it, 31 days at most)
    SELECT am.invoice_user_id AS user_id,
           aml.balance - COALESCE(sum(apr.amount) FILTER (WHERE cm.move_type = 'out_refund'), 0)
               AS owed,
           COALESCE(sum(apr.amount) FILTER (WHERE cm.move_type <> 'out_refund' AND CASE
               WHEN apr.max_date <= aml.date_maturity THEN TRUE
               WHEN apr.max_date > aml.date_maturity + 31 OR NOT EXISTS (SELECT 1 FROM calendar)
                   THEN FALSE
               ELSE apr.max_date <= COALESCE((SELECT min(w.day) FROM working w
                                               WHERE w.day >= aml.date_maturity),
                                             aml.date_maturity + 31) END), 0) AS paid
      FROM account_move_line aml
      JOIN account_move am ON am.id = aml.move_id
 LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
 LEFT JOIN account_move_line cl ON cl.id = apr.credit_move_id
 LEFT JOIN account_move cm ON cm.id = cl.move_id
     WHERE aml.company_id = %(company)s AND aml.display_type = 'payment_term'
       AND aml.balance > 0
       AND aml.date_maturity >= %(month)s AND aml.date_maturity < %(next_month)s
       AND am.state = 'posted' AND am.move_type = 'out_invoice'
  GROUP BY aml.id, am.invoice_user_id
), payment AS (
    SELECT user_id,
           100.0 * count(*) FILTER (WHERE paid >= owed) / count(*) AS payment_ontime_rate,
           100.0 * sum(LEAST(paid, owed)) / sum(owed) AS payment_ontime_amount_rate
      FROM installment
     WHERE owed > 0
  GROUP BY 1
), delivery AS (            -- 开票及时率: deliveries of the (local) month, invoice delivered (发票送达) by the closing day
    SELECT so.user_id, p.sale_id, l.done,
           %(month)s::date + LEAST(COALESCE(NULLIF((rp.closing_day->>p.company_id::text)::int, 0), 31),
               EXTRACT(DAY FROM %(next_month)s::date - 1)::int) - 1 AS closing,
           %(next_month)s::date + LEAST(COALESCE(NULLIF((rp.closing_day->>p.company_id::text)::int, 0), 31),
               EXTRACT(DAY FROM %(next_month)s::date + interval '1 month' - interval '1 day')::int)
               - 1 AS next_closing
      FROM stock_picking p
      CROSS JOIN tz
      JOIN stock_location dest ON dest.id = p.location_dest_id AND dest.usage = 'customer'
      JOIN sale_order so ON so.id = p.sale_id
      JOIN res_partner sp ON sp.id = so.partner_id
      JOIN res_partner rp ON rp.id = sp.commercial_partner_id
      CROSS JOIN LATERAL (SELECT (p.date_done AT TIME ZONE 'UTC' AT TIME ZONE tz.tz)::date AS done) l
     WHERE p.company_id = %(company)s AND p.state = 'done'
       AND p.date_done >= tz.utc_start AND p.date_done < tz.utc_end
), invoicing AS (
    SELECT d.user_id,
           100.0 * count(*) FILTER (WHERE EXISTS (
               SELECT 1
                 FROM sale_order_line sol
                 JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                 JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                 JOIN account_move am ON am.id = aml.move_id
                WHERE sol.order_id = d.sale_id AND am.state = 'posted'
                  AND am.move_type = 'out_invoice' AND am.invoice_delivered_date >= %(month)s
                  AND am.invoice_delivered_date <= CASE WHEN d.done <= d.closing THEN d.closing
                                              ELSE d.next_closing END
           )) / count(*) AS invoice_ontime_rate
      FROM delivery d
  GROUP BY 1
), review AS (              -- 订单评审表及时率: reviews received in the (local) month
    SELECT so.user_id,
           100.0 * count(*) FILTER (WHERE so.review_on_time) / count(*) AS review_ontime_rate
      FROM sale_order so, tz
     WHERE so.company_id = %(company)s
       AND so.review_received_date >= tz.utc_start AND so.review_received_date < tz.utc_end
  GROUP BY 1
), first_order AS (         -- new customers: first confirmed order in the (local) month
    SELECT DISTINCT ON (rp.commercial_partner_id) so.user_id, so.date_order
      FROM sale_order so
      JOIN res_partner rp ON rp.id = so.partner_id
     WHERE so.company_id = %(company)s AND so.state = 'sale'
  ORDER BY rp.commercial_partner_id, so.date_order, so.id
), new_customer AS (
    SELECT user_id, count(*) AS new_customers
      FROM first_order, tz
     WHERE date_order >= tz.utc_start AND date_order < tz.utc_end
  GROUP BY 1
)
SELECT u.user_id,
       COALESCE(o.output_amount, 0) AS output_amount,
       p.payment_ontime_rate, p.payment_ontime_amount_rate,
       i.invoice_ontime_rate, r.review_ontime_rate,
       COALESCE(n.new_customers, 0) AS new_customers
  FROM (SELECT user_id FROM output UNION SELECT user_id FROM payment
        UNION SELECT user_id FROM invoicing UNION SELECT user_id FROM review
        UNION SELECT user_id FROM new_customer) u
  JOIN dept ON dept.user_id = u.user_id
  LEFT JOIN output o ON o.user_id = u.user_id
  LEFT JOIN payment p ON p.user_id = u.user_id
  LEFT JOIN invoicing i ON i.user_id = u.user_id
  LEFT JOIN review r ON r.user_id = u.user_id
  LEFT JOIN new_customer n ON n.user_id = u.user_id
 ORDER BY u.user_id
