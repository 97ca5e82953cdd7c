/** @odoo-module */
/**
 * 订单评审表, in Simplified Chinese: the General Manager signs the business column; the
 * reviewer of a department opens the order from his activity (systray) and answers his
 * department's column (可行, 交期); the assistant hands the reviewed form over (接收日期).
 * Data: tests/test_home_tours.py (test_order_review_departments_zh_cn).
 */
import { registry } from "@web/core/registry";
import { clearFacet, openMenu, openRow } from "./business_dept_tour_utils";

const CUSTOMER = "评审测试客户有限公司";

registry.category("web_tour.tours").add("business_dept_review_sign_zh_cn", {
    steps: () => [
        ...openMenu("sale.sale_menu_root", "sale.sale_order_menu", "sale.menu_sale_order"),
        openRow(CUSTOMER),
        {
            content: "总经理在业务部一栏签字",
            trigger: ".o_statusbar_buttons button[name=action_review_sign]",
            run: "click",
        },
        {
            content: "评审已开始：各部门一栏",
            trigger: ".o_notebook .nav-link[name=business_review_departments]",
            run: "click",
        },
        {
            content: "技术部与品质部等待答复",
            trigger:
                ".o_field_widget[name=review_line_ids] .o_data_row:contains(技术部) ~ .o_data_row:contains(品质部)",
        },
    ],
});

registry.category("web_tour.tours").add("business_dept_review_answer_zh_cn", {
    steps: () => [
        {
            content: "打开活动",
            trigger: ".o_menu_systray .fa-clock-o",
            run: "click",
        },
        {
            content: "销售订单的活动",
            trigger: ".o-mail-ActivityGroup:contains(销售订单)",
            run: "click",
        },
        // the activity is due when the department's share ends (not today): all of mine
        ...clearFacet(),
        openRow(CUSTOMER),
        {
            content: "订单评审一栏",
            trigger: ".o_notebook .nav-link[name=business_review_departments]",
            run: "click",
        },
        {
            content: "答复本部门一栏",
            trigger: ".o_field_widget[name=review_line_ids] .o_data_row button[name=action_answer]",
            run: "click",
        },
        {
            content: "可行",
            trigger: ".modal .o_field_widget[name=opinion] input[data-value=feasible]",
            run: "click",
        },
        {
            content: "承诺交期",
            trigger: ".modal .o_field_widget[name=commit_date] input",
            run: "edit 2030-12-31",
        },
        {
            content: "答复",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "已答复",
            trigger:
                ".o_field_widget[name=review_line_ids] .o_data_row:not(:has(button[name=action_answer])):contains(2030)",
        },
    ],
});

registry.category("web_tour.tours").add("business_dept_review_receive_zh_cn", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_order_review"
        ),
        ...clearFacet(),
        openRow(CUSTOMER),
        {
            content: "业务助理注明接收日期",
            trigger: ".o_statusbar_buttons button[name=action_review_receive]",
            run: "click",
        },
        {
            content: "已接收",
            trigger: ".o_form_view:not(:has(button[name=action_review_receive]))",
        },
    ],
});
