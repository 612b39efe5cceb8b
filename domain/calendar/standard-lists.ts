import type { HolidayList } from './holiday-list';

/*
 * The holiday lists the published packs use, as constants: packs carry their own copy (policies are data,
 * versioned by content), and these name what a pack stored before lists existed (`holidayRegion`) meant.
 */

/** US federal holidays with their observed days (5 U.S.C. 6103). */
export const US_FEDERAL_HOLIDAYS: HolidayList = {
  name: 'US federal holidays',
  source:
    '5 U.S.C. 6103(a), the legal public holidays; 5 U.S.C. 6103(b) and Executive Order 11582 observe a holiday that falls on a Saturday on the Friday before and one that falls on a Sunday on the Monday after. Published each year by OPM: https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/',
  days: [
    { name: "New Year's Day", rule: '01-01 and if saturday then previous friday if sunday then next monday' },
    { name: 'Birthday of Martin Luther King, Jr.', rule: '3rd monday in January' },
    { name: "Washington's Birthday", rule: '3rd monday in February' },
    { name: 'Memorial Day', rule: 'monday before 06-01' },
    {
      name: 'Juneteenth National Independence Day',
      rule: '06-19 and if saturday then previous friday if sunday then next monday since 2021',
    },
    { name: 'Independence Day', rule: '07-04 and if saturday then previous friday if sunday then next monday' },
    { name: 'Labor Day', rule: '1st monday in September' },
    { name: 'Columbus Day', rule: '2nd monday in October' },
    { name: 'Veterans Day', rule: '11-11 and if saturday then previous friday if sunday then next monday' },
    { name: 'Thanksgiving Day', rule: '4th thursday in November' },
    { name: 'Christmas Day', rule: '12-25 and if saturday then previous friday if sunday then next monday' },
  ],
};

/** The days California state offices close (Government Code §19853, as CalHR publishes them). */
export const CALIFORNIA_STATE_HOLIDAYS: HolidayList = {
  name: 'California state holidays (the days state offices close)',
  source:
    "California Government Code §19853, the paid holidays of state employees, as published each year on CalHR's State Holidays page (calhr.ca.gov): a holiday that falls on a Sunday is observed on the Monday after; one that falls on a Saturday is not moved (employees get holiday credit instead), except Veterans Day, which is observed on the Friday before.",
  days: [
    { name: "New Year's Day", rule: '01-01 and if sunday then next monday' },
    { name: 'Martin Luther King Jr. Day', rule: '3rd monday in January' },
    { name: "Presidents' Day", rule: '3rd monday in February' },
    { name: 'Cesar Chavez Day', rule: '03-31 and if sunday then next monday' },
    { name: 'Memorial Day', rule: 'monday before 06-01' },
    { name: 'Independence Day', rule: '07-04 and if sunday then next monday' },
    { name: 'Labor Day', rule: '1st monday in September' },
    { name: 'Veterans Day', rule: '11-11 and if saturday then previous friday if sunday then next monday' },
    { name: 'Thanksgiving Day', rule: '4th thursday in November' },
    { name: 'Day after Thanksgiving', rule: 'friday after 4th thursday in November' },
    { name: 'Christmas Day', rule: '12-25 and if sunday then next monday' },
  ],
};
