/** @odoo-module */
/**
 * A Chinese office worker's screens (zh_CN): each role's home in the department, its
 * approval inbox, the systray's Reviews and a document under review. Every visible word of
 * the department's screens is Chinese: a step fails on any English word, except the
 * product codes and names of the allow-list below.
 * Data: tests/test_chinese_screens.py.
 */
import { registry } from "@web/core/registry";
import { openMenu, openReviews, openRow } from "./business_dept_tour_utils";

// Latin words a Chinese screen may show: currencies, file kinds, codes of the trade
const ALLOWED = new Set(["CNY", "USD", "EUR", "PDF", "Excel", "XLSX", "KPI", "SF", "VAT"]);

/** The English words of ``text``: words of two letters or more, without digits (codes
 * such as SO0012 or SF1426038755213 are not words), not in the allow-list. */
function englishWords(text) {
    const words = text.match(/[A-Za-z0-9_./@-]+/g) || [];
    return [
        ...new Set(
            words.filter(
                (word) => /[A-Za-z]{2,}/.test(word) && !/\d/.test(word) && !ALLOWED.has(word)
            )
        ),
    ];
}

/** Fail on any English word shown in the elements of ``selector`` (all of them), and in
 * the list rows showing ``rowsOf`` when given. */
export function noEnglish(selector, what, rowsOf = null) {
    return {
        content: `Nothing in English on ${what}`,
        trigger: selector,
        run() {
            const rows = rowsOf
                ? [...document.querySelectorAll(".o_data_row")].filter((row) =>
                      row.innerText.includes(rowsOf)
                  )
                : [];
            const text = [...document.querySelectorAll(selector), ...rows]
                .map((el) => el.innerText)
                .join("\n");
            const english = englishWords(text);
            if (english.length) {
                throw new Error(`English on ${what}: ${english.join(", ")}`);
            }
        },
    };
}

const CUSTOMER = "华东测试客户有限公司";
const LIST = ".o_control_panel, .o_list_renderer thead, .o_data_row, .o_view_nocontent";
// a list of other people's records too (the demo's): its headers, the test's own rows
const HEADERS = ".o_control_panel, .o_list_renderer thead, .o_view_nocontent";

function systrayReviews() {
    return [
        {
            content: "Open the Reviews of the systray",
            trigger: ".o_menu_systray i[aria-label=Reviews]",
            run: "click",
        },
        noEnglish(".o-mail-ActivityMenu", "the systray's Reviews"),
        {
            content: "Close the Reviews",
            trigger: ".o_menu_systray i[aria-label=Reviews]",
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("business_dept_chinese_home_sales", {
    steps: () => [
        ...openMenu("sale.sale_menu_root"),
        {
            content: "The quotations are shown",
            trigger: ".o_action_manager .o_list_view, .o_action_manager .o_view_nocontent",
        },
        noEnglish(".o_main_navbar", "the menu bar"),
        noEnglish(HEADERS, "the home (quotations)", CUSTOMER),
        {
            content: "Open the department's menu",
            trigger: '[data-menu-xmlid="business_dept.menu_business_dept_root"]',
            run: "click",
        },
        noEnglish(".o-dropdown--menu", "the department's menu"),
        {
            content: "Open the customer statements",
            trigger: '[data-menu-xmlid="business_dept.menu_business_customer_statement"]',
            run: "click",
        },
        {
            content: "The statements are shown",
            trigger: ".o_action_manager .o_list_view, .o_action_manager .o_view_nocontent",
        },
        noEnglish(LIST, "the customer statements"),
        ...systrayReviews(),
    ],
});

registry.category("web_tour.tours").add("business_dept_chinese_home_invoicing", {
    steps: () => [
        ...openMenu("account.menu_finance", "account.menu_finance_receivables"),
        noEnglish(
            ".o-dropdown--menu .o-dropdown-item[data-menu-xmlid^=business_dept]",
            "the department's entries"
        ),
        {
            content: "Open the customer statements",
            trigger: '[data-menu-xmlid="business_dept.menu_business_invoicing_customer_statement"]',
            run: "click",
        },
        {
            content: "The statements are shown",
            trigger: ".o_action_manager .o_list_view, .o_action_manager .o_view_nocontent",
        },
        noEnglish(LIST, "the customer statements"),
        ...systrayReviews(),
    ],
});

registry.category("web_tour.tours").add("business_dept_chinese_review", {
    steps: () => [
        ...openMenu("sale.sale_menu_root"),
        ...openReviews("sale.order"),
        noEnglish(HEADERS, "the quotations to review", CUSTOMER),
        openRow(CUSTOMER),
        {
            content: "The document under review shows its approval banner",
            trigger: ".o_form_view .alert-warning button[name=validate_tier]",
        },
        noEnglish(
            ".o_form_view .alert, .o_form_statusbar .o_statusbar_buttons",
            "the approval banner and buttons"
        ),
        {
            content: "Unfold the reviews",
            trigger: ".o_form_view .o_info_btn",
            run: "click",
        },
        noEnglish(
            ".o_form_view .o_review th, .o_form_view .o_review td[name=td_display_status], .o_form_view .o_review td[name=td_todo_by]",
            "the reviews"
        ),
    ],
});

// The 业务部 dashboards in zh_CN: the Dashboards app's panel and the dashboard's control panel
// (its cells are drawn on a canvas: their words are those of the dashboard's file, translated)
registry.category("web_tour.tours").add("business_dept_chinese_dashboard", {
    steps: () => [
        ...openMenu("spreadsheet_dashboard.spreadsheet_dashboard_menu_root"),
        {
            content: "The department's dashboard group",
            trigger: ".o_spreadsheet_dashboard_search_panel header:contains(业务部)",
            timeout: 60000,
        },
        {
            content: "Open the department's dashboard",
            trigger:
                ".o_spreadsheet_dashboard_search_panel section:has(header:contains(业务部)) .o_search_panel_category_value:first .o_dashboard_name",
            run: "click",
        },
        {
            content: "The spreadsheet is drawn",
            trigger: ".o_spreadsheet_dashboard_action .o_renderer .o-grid",
            timeout: 30000,
        },
        noEnglish(".o_spreadsheet_dashboard_search_panel, .o_control_panel", "the dashboard"),
    ],
});
