/** @odoo-module */
/**
 * 紧急插单 / 插单申请表: a Business Manager requests an insert order from his confirmed
 * order; a Business Director approves it from his Reviews inbox (the systray). Data: tests/test_tours.py (test_insert_order_tour).
 */
import { registry } from "@web/core/registry";
import { formatDateTime } from "@web/core/l10n/dates";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { openMenu, openReviews, openRow, statusIs } from "./business_dept_tour_utils";

const { DateTime } = luxon;

registry.category("web_tour.tours").add("business_dept_insert_order_request", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_order_followup"
        ),
        openRow("Tour Insert Co."),
        {
            content: "Open the order's insert orders",
            trigger: ".oe_stat_button[name=action_business_insert_orders]",
            run: "click",
        },
        {
            content: "Request a new one",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The request is for the order",
            trigger: ".o_field_widget[name=sale_order_id] input:value(/S\\d+/)",
        },
        {
            content: "Wanted delivery date: in ten days",
            trigger: ".o_field_widget[name=requested_date] input",
            async run(helpers) {
                const wanted = DateTime.now().plus({ days: 10 }).set({ hour: 10, minute: 0, second: 0 });
                await helpers.edit(formatDateTime(wanted));
                await helpers.click("body");
            },
        },
        {
            content: "Customer urgency",
            trigger: ".o_field_widget[name=customer_urgency] input",
            run: "edit Production line stops without the parts",
        },
        {
            content: "Reason",
            trigger: ".o_field_widget[name=reason] textarea",
            run: "edit The customer's own customer moved his order forward",
        },
        {
            content: "Submit the request",
            trigger: ".o_statusbar_buttons button[name=action_submit]",
            run: "click",
        },
        statusIs("submitted"),
        {
            content: "It awaits the director",
            trigger: ".o_field_widget[name=next_review]:contains(Business Director)",
        },
    ],
});

registry.category("web_tour.tours").add("business_dept_insert_order_approve", {
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open Sales"),
        ...openReviews("business.insert.order"),
        openRow("Tour Insert Co."),
        statusIs("submitted"),
        {
            content: "Approve the insert order",
            trigger: ".o_statusbar_buttons button[name=action_approve]",
            run: "click",
        },
        statusIs("approved"),
        {
            content: "The requester is told of the approval in the chatter",
            trigger: ".o-mail-Message-body:contains(Business Director approved by)",
        },
    ],
});
