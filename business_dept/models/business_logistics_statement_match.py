from collections import defaultdict

from odoo import models
from odoo.tools import SQL

from .business_logistics_statement import BILLED_STATES, TOTAL_FIELDS


class BusinessLogisticsStatement(models.Model):
    """Matching of a logistics statement's lines with our deliveries, set-based (the
    statement's other concern, kept apart from its workflow)."""

    _inherit = "business.logistics.statement"

    def _match_lines(self):
        """Link, price and classify every line of the statements in a few queries.

        Idempotent: running it again gives the same result. Waybills are compared by
        their key (``tools.waybill``: case, spaces, hyphens, full-width characters, the
        carrier's prefix). A line is linked to the carrier's done delivery of the
        statement's company with that key. The lines of one key on a statement are one
        shipment (多件合单: several boxes, one number): its first line on the carrier's
        statement (or its first line) carries it, priced on all its deliveries; our
        other deliveries under it are 'Same Shipment', another line of the carrier is a
        'duplicate'. The shipment is a 'duplicate' too when its waybill was billed
        (agreed amount) on another statement of the same carrier and company that
        finance approved (approved, signed, submitted, invoice received): it is paid
        once. A duplicate's expected and agreed amounts are 0 unless a resolution
        settles it. Each statement is matched with its own company's tolerance.
        """
        if not self:
            return
        Line = self.env["business.logistics.statement.line"]
        # the SQL below reads pickings, lines, statements and companies
        self.env.flush_all()
        self._write_match(self._shipment_values(self._found_pickings()))
        Line.invalidate_model(["picking_id", "expected_amount", "match_state", "agreed_amount"])
        self.invalidate_recordset([*TOTAL_FIELDS, "unsettled_count"])
        for fname in TOTAL_FIELDS:
            self.env.add_to_compute(self._fields[fname], self)
        self.flush_recordset(TOTAL_FIELDS)
        self._settle_state(always=True)

    def _found_pickings(self):
        """``{line id: [delivery ids]}``: the carrier's done deliveries of the company
        whose tracking reference has the key of an unlinked line, with or without one
        of the carrier's prefixes (read, not written: the lines are written once)."""
        found = {}
        for statement in self:
            self.env.cr.execute(
                SQL(
                    """
                    WITH c AS (
                        SELECT l.id, l.waybill_key AS key
                          FROM business_logistics_statement_line l
                         WHERE l.statement_id = %(statement)s AND l.picking_id IS NULL
                     UNION ALL
                        SELECT l.id, pfx || l.waybill_key
                          FROM business_logistics_statement_line l
                    CROSS JOIN unnest(%(prefixes)s::varchar[]) AS pfx
                         WHERE l.statement_id = %(statement)s AND l.picking_id IS NULL
                    )
                    SELECT c.id, ARRAY_AGG(DISTINCT p.id ORDER BY p.id)
                      FROM c
                      JOIN stock_picking p ON p.carrier_tracking_key = c.key
                      JOIN stock_picking_type t ON t.id = p.picking_type_id
                     WHERE p.state = 'done' AND t.code = 'outgoing'
                       AND p.carrier_id = ANY(%(carriers)s)
                       AND p.company_id = %(company)s
                  GROUP BY c.id
                    """,
                    prefixes=list(statement._waybill_prefixes()),
                    carriers=statement._carrier_ids(),
                    statement=statement.id,
                    company=statement.company_id.id,
                )
            )
            found.update(self.env.cr.fetchall())
        return found

    def _shipment_values(self, found):
        """``[(line id, delivery id, expected amount, state or None)]``: the lines
        grouped in shipments by statement and waybill key, each shipment priced once on
        its line that carries it (see ``_match_lines``); None leaves the state to the
        amounts."""
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id, l.statement_id, l.waybill_key, l.picking_id, l.carrier_listed,
                       EXISTS (SELECT 1
                                 FROM business_logistics_statement_line o
                                 JOIN business_logistics_statement os ON os.id = o.statement_id
                                WHERE o.waybill_key = l.waybill_key AND os.id != s.id
                                  AND os.partner_id = s.partner_id
                                  AND os.company_id = s.company_id
                                  AND os.state IN %(billed)s
                                  AND o.agreed_amount > 0)
                  FROM business_logistics_statement_line l
                  JOIN business_logistics_statement s ON s.id = l.statement_id
                 WHERE l.statement_id = ANY(%(ids)s)
              ORDER BY l.id
                """,
                ids=self.ids,
                billed=BILLED_STATES,
            )
        )
        shipments = defaultdict(list)
        for row in self.env.cr.fetchall():
            # a waybill without key (only hyphens) is a shipment of its own
            shipments[row[1], row[2] or -row[0]].append(row)
        values, priced = [], []  # priced: (index of the line carrying it, deliveries)
        for rows in shipments.values():
            head = next((row for row in rows if row[4]), rows[0])
            deliveries, head_index = {}, None
            for lid, __, __, pid, listed, billed in rows:
                found_ids = [pid] if pid else found.get(lid, [])
                deliveries.update(dict.fromkeys(found_ids))
                if lid == head[0] and not billed:
                    state, head_index = None, len(values)
                elif lid != head[0] and not listed:
                    state = "shipment"
                else:
                    state = "duplicate"
                values.append([lid, found_ids[0] if found_ids else None, 0.0, state])
            if head_index is not None:
                priced.append((head_index, tuple(deliveries)))
        costs = self.env["business.logistics.agreement"]._shipment_costs(
            [deliveries for __, deliveries in priced]
        )
        for (index, __), cost in zip(priced, costs, strict=True):
            values[index][2] = cost or 0.0
        return values

    def _write_match(self, values):
        """Write each line's delivery, expected amount, state and agreed amount in one
        UPDATE; a state left to the amounts is unknown (no delivery), missing on the
        carrier side, matched (within the company's tolerance) or an amount difference."""
        columns = zip(*values, strict=True) if values else ((), (), (), ())
        line_ids, picking_ids, expected, states = columns
        self.env.cr.execute(
            SQL(
                """
                UPDATE business_logistics_statement_line l
                   SET picking_id = v.picking_id,
                       expected_amount = v.expected,
                       match_state = v.state,
                       agreed_amount = CASE
                           WHEN l.resolution = 'accept_carrier' THEN COALESCE(l.amount, 0)
                           WHEN l.resolution = 'accept_ours' THEN v.expected
                           WHEN l.resolution = 'disputed' THEN 0
                           WHEN v.state = 'matched' THEN COALESCE(l.amount, 0)
                           ELSE 0 END
                  FROM (SELECT u.id, u.picking_id, u.expected,
                               CASE WHEN u.state IS NOT NULL THEN u.state
                                    WHEN u.picking_id IS NULL THEN 'unknown'
                                    WHEN l2.carrier_listed IS NOT TRUE THEN 'missing_carrier'
                                    WHEN ABS(COALESCE(l2.amount, 0) - u.expected)
                                         <= COALESCE(c.logistics_tolerance, 0)
                                        THEN 'matched'
                                    ELSE 'amount_diff' END AS state
                          FROM unnest(%(ids)s::int[], %(pickings)s::int[],
                                      %(expected)s::numeric[], %(states)s::varchar[])
                               AS u(id, picking_id, expected, state)
                          JOIN business_logistics_statement_line l2 ON l2.id = u.id
                          JOIN business_logistics_statement s ON s.id = l2.statement_id
                          JOIN res_company c ON c.id = s.company_id) v
                 WHERE l.id = v.id
                """,
                ids=list(line_ids),
                pickings=list(picking_ids),
                expected=list(expected),
                states=list(states),
            )
        )
