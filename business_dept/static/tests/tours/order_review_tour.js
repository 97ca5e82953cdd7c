/** @odoo-module */
/**
 * 订单评审: the Business Assistant records the receipt of a reviewed order, the basis of
 * the on-time rate (在评审表上注明接收日期作为及时率统计依据).
 * Data: tests/test_tours.py (test_order_review_tour).
 */
import { registry } from "@web/core/registry";
import { clearFacet, openMenu, openRow } from "./business_dept_tour_utils";

registry.category("web_tour.tours").add("business_dept_order_review", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_order_review"
        ),
        ...clearFacet(),
        openRow("Tour Review Co."),
        {
            content: "Record the receipt of the reviewed order",
            trigger: ".o_statusbar_buttons button[name=action_review_receive]",
            run: "click",
        },
        {
            content: "The receipt is recorded",
            trigger: ".o_form_view:not(:has(button[name=action_review_receive]))",
        },
        {
            content: "Show the order review",
            trigger: ".o_notebook .nav-link[name=business_dept]",
            run: "click",
        },
        {
            content: "The receipt date is on the order",
            trigger: ".o_field_widget[name=review_received_date]:contains(/\\d/)",
        },
        {
            content: "Received on time",
            trigger: ".o_field_widget[name=review_on_time] input:checked",
        },
    ],
});
