/** @odoo-module */
/**
 * Each role's home in the business department, in the reader's language: the app, then the
 * department's menu opened (a screenshot is taken at the end, see test_home_tours.py).
 */
import { registry } from "@web/core/registry";
import { user } from "@web/core/user";
import { openMenu } from "./business_dept_tour_utils";

function home(app, menu) {
    return () => [
        ...openMenu(app, menu),
        {
            content: "The web client speaks Chinese",
            trigger: ".o_menu_brand",
            run() {
                if (!user.lang.startsWith("zh")) {
                    throw new Error(`The user's language is ${user.lang}, not Chinese`);
                }
            },
        },
        {
            content: "The menu lists the department's entries",
            trigger: ".o-dropdown--menu .o-dropdown-item",
        },
    ];
}

registry.category("web_tour.tours").add("business_dept_home_sales", {
    steps: home("sale.sale_menu_root", "business_dept.menu_business_dept_root"),
});

registry.category("web_tour.tours").add("business_dept_home_invoicing", {
    steps: home("account.menu_finance", "account.menu_finance_payables"),
});
