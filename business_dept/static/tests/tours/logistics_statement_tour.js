/** @odoo-module */
/**
 * 物流对账: the Business Assistant creates a carrier's statement for January 2026,
 * collects the deliveries, imports the carrier's CSV (carrier_statement_tour.csv) and
 * settles the one difference: saved, the statement is reconciled (no second Match). The carrier and its deliveries
 * are the fixture of the reconciliation tests (LogisticsCase).
 * Data: tests/test_tours.py (test_logistics_statement_tour).
 */
import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";
import { openMenu, statusIs } from "./business_dept_tour_utils";

const CSV_URL = "/business_dept/static/tests/tours/carrier_statement_tour.csv";

function lineCell(waybill, field) {
    return `.o_field_widget[name=line_ids] .o_data_row:has(.o_data_cell[name=waybill]:contains(${waybill})) .o_data_cell[name=${field}]`;
}

registry.category("web_tour.tours").add("business_dept_logistics_statement", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_dept_logistics_statement"
        ),
        {
            content: "New statement",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Carrier",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Test Express",
        },
        {
            content: "Pick the carrier",
            trigger: ".o-autocomplete--dropdown-item a:contains(Test Express Co.)",
            run: "click",
        },
        {
            content: "From",
            trigger: ".o_field_widget[name=date_from] input",
            run: "edit 01/01/2026 && click body",
        },
        {
            content: "To",
            trigger: ".o_field_widget[name=date_to] input",
            run: "edit 01/31/2026 && click body",
        },
        {
            content: "Collect the carrier's deliveries of the period",
            trigger: ".o_statusbar_buttons button[name=action_collect]",
            run: "click",
        },
        {
            content: "Three deliveries, not yet on the carrier's statement",
            trigger: `${lineCell("WB003", "match_state")}:contains(Missing on Carrier Side)`,
        },
        {
            content: "Import the carrier's statement",
            trigger: ".o_statusbar_buttons button[name=action_open_import]",
            run: "click",
        },
        {
            content: "Upload the carrier's CSV",
            trigger: ".modal .o_field_widget[name=file]",
            async run() {
                const response = await fetch(CSV_URL);
                const file = new File([await response.blob()], "carrier_statement_tour.csv", {
                    type: "text/csv",
                });
                await inputFiles(".modal .o_field_widget[name=file] input[type=file]", [file]);
            },
        },
        {
            content: "The file is attached",
            trigger: ".modal .o_field_widget[name=file] input:value(carrier_statement_tour.csv)",
        },
        {
            content: "Import it",
            trigger: ".modal button[name=action_import]",
            run: "click",
        },
        {
            content: "The carrier charged more for one waybill",
            trigger: `${lineCell("WB002", "match_state")}:contains(Amount Differs)`,
        },
        {
            content: "The other waybills match",
            trigger: `${lineCell("WB001", "match_state")}:contains(Matched)`,
        },
        {
            content: "Settle the difference",
            trigger: lineCell("WB002", "resolution"),
            run: "click",
        },
        {
            content: "Accept the carrier's amount",
            trigger: ".o_field_widget[name=line_ids] .o_selected_row .o_field_widget[name=resolution] select",
            run: 'select "accept_carrier"',
        },
        {
            content: "Save: the last difference settled, the statement is reconciled",
            trigger: ".o_form_button_save",
            run: "click",
        },
        statusIs("matched"),
        {
            content: "Nothing left to settle",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=unsettled_count]))",
        },
    ],
});
