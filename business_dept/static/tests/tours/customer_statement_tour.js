/** @odoo-module */
/**
 * 客户对账单: the Business Assistant generates the statements of the customers closing
 * on 25 February 2026, sends the customer's statement and records his confirmation with
 * the customer's reply attached; then the finance reviewer approves it (财务核准) and
 * creates the invoices of the confirmed deliveries.
 * Data: tests/test_customer_statement.py (TestCustomerStatementTour).
 */
import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";
import { openMenu, openRow, statusIs } from "./business_dept_tour_utils";

registry.category("web_tour.tours").add("business_dept_customer_statement", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_customer_statement"
        ),
        {
            content: "Generate the statements",
            trigger: "button:contains(Generate Statements)",
            run: "click",
        },
        {
            content: "Closing date: 25 February 2026",
            trigger: ".modal .o_field_widget[name=date_to] input",
            run: "edit 02/25/2026 && click .modal-body",
        },
        {
            content: "Generate",
            trigger: ".modal button[name=action_generate]",
            run: "click",
        },
        openRow("Test Customer Co."),
        {
            content: "Send it to the customer",
            trigger: ".o_statusbar_buttons button[name=action_send]",
            run: "click",
        },
        statusIs("sent"),
        {
            content: "Open the confirmation tab",
            trigger: ".o_notebook .nav-link[name=confirmation]",
            run: "click",
        },
        {
            content: "Attach the customer's signed reply",
            trigger: ".o_field_widget[name=reply_attachment_ids]",
            async run() {
                const file = new File(["%PDF signed statement"], "signed_statement.pdf", {
                    type: "application/pdf",
                });
                await inputFiles(
                    ".o_field_widget[name=reply_attachment_ids] input[type=file]",
                    [file]
                );
            },
        },
        {
            content: "The reply is attached",
            trigger: ".o_field_widget[name=reply_attachment_ids] :contains(signed_statement.pdf)",
        },
        {
            content: "Record the customer's confirmation",
            trigger: ".o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        statusIs("confirmed"),
    ],
});

registry.category("web_tour.tours").add("business_dept_customer_statement_approve", {
    steps: () => [
        ...openMenu(
            "account.menu_finance",
            "account.menu_finance_receivables",
            "business_dept.menu_business_invoicing_customer_statement"
        ),
        openRow("Test Customer Co."),
        {
            content: "Approve the statement (财务核准)",
            trigger: ".o_statusbar_buttons button[name=action_finance_approve]",
            run: "click",
        },
        statusIs("approved"),
        {
            content: "Create the invoices of the confirmed deliveries",
            trigger: ".o_statusbar_buttons button[name=action_create_invoices]",
            run: "click",
        },
        {
            content: "The invoices are listed",
            trigger: ".o_list_view .o_data_row",
        },
    ],
});
