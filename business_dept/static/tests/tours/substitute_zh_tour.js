/** @odoo-module */
/**
 * 代理审批, in Simplified Chinese: the General Manager names the Business Director as his
 * substitute for today; the director approves the quotation from 待我审批 (the reviews
 * waiting for him), for the General Manager.
 * Data: tests/test_home_tours.py (test_substitute_zh_cn).
 */
import { registry } from "@web/core/registry";
import { openMenu } from "./business_dept_tour_utils";

registry.category("web_tour.tours").add("business_dept_substitute_name_zh_cn", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_tier_substitute"
        ),
        {
            content: "新建代理",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "代理人：业务总监",
            trigger: ".o_field_widget[name=substitute_id] input",
            run: "edit 代理总监",
        },
        {
            content: "选择业务总监",
            trigger: ".o-autocomplete--dropdown-item a:contains(代理总监)",
            run: "click",
        },
        {
            content: "保存",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "已保存",
            trigger: ".o_form_saved",
        },
    ],
});

registry.category("web_tour.tours").add("business_dept_substitute_approve_zh_cn", {
    steps: () => [
        ...openMenu(
            "sale.sale_menu_root",
            "business_dept.menu_business_dept_root",
            "business_dept.menu_business_tier_review_inbox"
        ),
        {
            content: "待我审批：总经理的报价",
            trigger: ".o_list_view .o_data_row:contains(代理测试客户)",
        },
        {
            content: "审批",
            trigger:
                ".o_list_view .o_data_row:contains(代理测试客户) button[name=action_business_approve]",
            run: "click",
        },
        {
            content: "已审批",
            trigger: ".o_notification",
        },
    ],
});
