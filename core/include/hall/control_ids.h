/* hall/control_ids.h: the ids of the controls that stand for one item of the content: a
 * policy card or chart, a district of the city model. The kiosk names its hit areas with
 * them (they are the `target` of tap events, and what scripts and tests tap), and the
 * controller's report titles its rows from them with the pack's titles: one definition
 * for both, so a rename cannot silently drop a title from the report. */
#ifndef HALL_CONTROL_IDS_H
#define HALL_CONTROL_IDS_H

#define HALL_CONTROL_CARD "card-"         /* + the card's id */
#define HALL_CONTROL_CHART "chart-"       /* + the chart's id */
#define HALL_CONTROL_DISTRICT "district-" /* + the district's id */

#endif
