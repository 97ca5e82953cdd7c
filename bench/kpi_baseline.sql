-- Baseline of the KPI benchmark: one hand-written query computing, for one company
-- and one month, the figures of business.kpi.report per salesperson (SPEC §8, the
-- definitions of the report's docstring), each part filtered to the month first.
-- Parameters: %(company)s, %(month)s (first day), %(next_month)s (first day after).
WITH output AS (            -- 产值: untaxed invoices minus credit notes, by invoice date
    SELECT am.invoice_user_id AS user_id, sum(am.amount_untaxed_signed) AS output_amount
      FROM account_move am
     WHERE am.company_id = %(company)s AND am.state = 'posted'
       AND am.move_type IN ('out_invoice', 'out_refund')
       AND am.invoice_date >= %(month)s AND am.invoice_date < %(next_month)s
  GROUP BY 1
), due AS (                 -- 回款及时率: invoices due in the month and their payments
    SELECT am.invoice_user_id AS user_id, am.amount_total_signed AS total,
           am.amount_residual_signed AS residual, am.invoice_date_due AS due,
           max(apr.max_date) AS last_date,
           COALESCE(sum(apr.amount) FILTER (WHERE apr.max_date <= am.invoice_date_due), 0)
               AS ontime_amount
      FROM account_move am
 LEFT JOIN account_move_line aml ON aml.move_id = am.id AND aml.display_type = 'payment_term'
 LEFT JOIN account_partial_reconcile apr ON apr.debit_move_id = aml.id
     WHERE am.company_id = %(company)s AND am.state = 'posted' AND am.move_type = 'out_invoice'
       AND am.invoice_date_due >= %(month)s AND am.invoice_date_due < %(next_month)s
  GROUP BY am.id
), payment AS (
    SELECT user_id,
           100.0 * count(*) FILTER (WHERE residual = 0 AND last_date <= due) / count(*)
               AS payment_ontime_rate,
           100.0 * sum(LEAST(ontime_amount, total)) / NULLIF(sum(total), 0)
               AS payment_ontime_amount_rate
      FROM due
  GROUP BY 1
), delivery AS (            -- 开票及时率: deliveries of the month, invoiced by the closing day
    SELECT so.user_id, p.id, p.sale_id, p.date_done::date AS done,
           make_date(EXTRACT(YEAR FROM p.date_done)::int, EXTRACT(MONTH FROM p.date_done)::int,
                     LEAST(COALESCE(NULLIF(rp.closing_day, 0), 31),
                           EXTRACT(DAY FROM date_trunc('month', p.date_done)
                                   + interval '1 month' - interval '1 day')::int)) AS closing,
           (date_trunc('month', p.date_done) + interval '1 month')::date AS next_start,
           rp.closing_day
      FROM stock_picking p
      JOIN stock_location dest ON dest.id = p.location_dest_id AND dest.usage = 'customer'
      JOIN sale_order so ON so.id = p.sale_id
      JOIN res_partner sp ON sp.id = so.partner_id
      JOIN res_partner rp ON rp.id = sp.commercial_partner_id
     WHERE p.company_id = %(company)s AND p.state = 'done'
       AND p.date_done >= %(month)s AND p.date_done < %(next_month)s
), invoicing AS (
    SELECT d.user_id,
           100.0 * count(*) FILTER (WHERE EXISTS (
               SELECT 1
                 FROM sale_order_line sol
                 JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                 JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                 JOIN account_move am ON am.id = aml.move_id
                WHERE sol.order_id = d.sale_id AND am.state = 'posted'
                  AND am.move_type = 'out_invoice' AND am.invoice_date >= %(month)s
                  AND am.invoice_date <= CASE
                      WHEN d.done <= d.closing THEN d.closing
                      ELSE d.next_start + LEAST(COALESCE(NULLIF(d.closing_day, 0), 31),
                          EXTRACT(DAY FROM d.next_start + interval '1 month'
                                  - interval '1 day')::int) - 1 END
           )) / count(*) AS invoice_ontime_rate
      FROM delivery d
  GROUP BY 1
), review AS (              -- 订单评审表及时率: reviews received in the month
    SELECT so.user_id,
           100.0 * count(*) FILTER (WHERE so.review_on_time) / count(*) AS review_ontime_rate
      FROM sale_order so
     WHERE so.company_id = %(company)s
       AND so.review_received_date >= %(month)s AND so.review_received_date < %(next_month)s
  GROUP BY 1
), first_order AS (         -- new customers: first confirmed order in the month
    SELECT DISTINCT ON (rp.commercial_partner_id) so.user_id, so.date_order
      FROM sale_order so
      JOIN res_partner rp ON rp.id = so.partner_id
     WHERE so.company_id = %(company)s AND so.state = 'sale'
  ORDER BY rp.commercial_partner_id, so.date_order, so.id
), new_customer AS (
    SELECT user_id, count(*) AS new_customers
      FROM first_order
     WHERE date_order >= %(month)s AND date_order < %(next_month)s
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
  LEFT JOIN output o ON o.user_id IS NOT DISTINCT FROM u.user_id
  LEFT JOIN payment p ON p.user_id IS NOT DISTINCT FROM u.user_id
  LEFT JOIN invoicing i ON i.user_id IS NOT DISTINCT FROM u.user_id
  LEFT JOIN review r ON r.user_id IS NOT DISTINCT FROM u.user_id
  LEFT JOIN new_customer n ON n.user_id IS NOT DISTINCT FROM u.user_id
 ORDER BY u.user_id
