/** @odoo-module */
/**
 * 报价需总经理确认签字: a General Manager opens the quotation from his Reviews inbox (the
 * systray), signs it off, then sends it by email.
 * Data: tests/test_tours.py (test_quotation_signoff_tour).
 */
import { registry } from "@web/core/registry";
import { openReviews, openRow, statusIs } from "./business_dept_tour_utils";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("business_dept_quotation_signoff", {
    steps: () => [
        ...stepUtils.goToAppSteps("sale.sale_menu_root", "Open Sales"),
        ...openReviews("sale.order"),
        openRow("Tour Quotation Co."),
        {
            content: "The quotation awaits the sign-off",
            trigger: ".o_field_widget[name=signoff_state] .badge:contains(To Sign Off)",
        },
        {
            content: "Sign the quotation off",
            trigger: ".o_statusbar_buttons button[name=action_signoff]",
            run: "click",
        },
        {
            content: "The quotation is signed off",
            trigger: ".o_field_widget[name=signoff_state] .badge:contains(Signed Off)",
        },
        {
            content: "Send it by email",
            trigger: ".o_statusbar_buttons button[name=action_quotation_send]:enabled",
            run: "click",
        },
        {
            content: "Send the email",
            trigger: ".modal button.o_mail_send",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        statusIs("sent"),
        {
            content: "The chatter shows the email",
            trigger: ".o-mail-Message:contains(Subject:):contains(Quotation):contains(Ref S0)",
        },
        {
            content: "The sign-off stays in the chatter",
            trigger: ".o-mail-Message-body:contains(signed off by the General Manager)",
        },
    ],
});
