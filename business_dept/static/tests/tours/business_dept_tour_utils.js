/** @odoo-module */
/**
 * Steps shared by the business department's tours: menus are opened by their XML id,
 * records by a text of their row, so that the tours click what a user clicks.
 */
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** Open an app, then each menu in turn (a section, then one of its items). */
export function openMenu(app, ...menus) {
    return [
        ...stepUtils.goToAppSteps(app, "Open the app"),
        ...menus.map((xmlid) => ({
            content: `Open the menu ${xmlid}`,
            trigger: `[data-menu-xmlid="${xmlid}"]`,
            run: "click",
        })),
    ];
}

/** Remove the action's default search facet (a filter or a grouping). */
export function clearFacet() {
    return [
        {
            content: "Remove the default filter",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "Every record is listed",
            trigger: ".o_searchview:not(:has(.o_searchview_facet))",
        },
    ];
}

/** Open the record of the list whose row shows `text`. */
export function openRow(text) {
    return {
        content: `Open the record of ${text}`,
        trigger: `.o_list_view .o_data_row .o_data_cell:contains("${text}")`,
        run: "click",
    };
}

/** Wait until the form's status bar shows `value` as the current state. */
export function statusIs(value) {
    return {
        content: `The record is now ${value}`,
        trigger: `.o_statusbar_status button.o_arrow_button_current[data-value="${value}"]`,
    };
}

/** Open the systray's Reviews inbox (tier validation), then the documents of `model`
 * waiting for the user's review. */
export function openReviews(model) {
    return [
        {
            content: "Open the Reviews inbox of the systray",
            trigger: ".o_menu_systray i[aria-label=Reviews]",
            run: "click",
        },
        {
            content: `Open the ${model} records to review`,
            trigger: `.o-mail-ActivityGroup[data-model_name="${model}"]`,
            run: "click",
        },
        {
            content: "Show them as a list",
            trigger: ".o_control_panel .o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list of the documents to review is shown",
            trigger: ".o_list_view .o_data_row",
        },
    ];
}
