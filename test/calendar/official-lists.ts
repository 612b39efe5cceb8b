/**
 * Holiday lists written out by hand from the official sources, independently of the packs' rules,
 * so the calendar tests compare the code with the law and not with itself. Weekdays only: a holiday
 * on a weekend that is not observed on a weekday changes no business day.
 */
export interface OfficialList {
  /** The holiday list name the pack must carry. */
  name: string;
  source: string;
  weekdayClosures: Record<number, string[]>;
}

/**
 * 5 U.S.C. 6103(a) names the eleven legal public holidays; 6103(b) and Executive Order 11582 observe a
 * Saturday holiday on the Friday before and a Sunday holiday on the Monday after (OPM's federal holidays page).
 */
export const US_FEDERAL: OfficialList = {
  name: 'US federal holidays',
  source: '5 U.S.C. 6103',
  weekdayClosures: {
    2027: [
      '2027-01-01', // Fri, New Year's Day
      '2027-01-18', // Mon, Birthday of Martin Luther King, Jr.
      '2027-02-15', // Mon, Washington's Birthday
      '2027-05-31', // Mon, Memorial Day
      '2027-06-18', // Fri, Juneteenth observed (19 June is a Saturday)
      '2027-07-05', // Mon, Independence Day observed (4 July is a Sunday)
      '2027-09-06', // Mon, Labor Day
      '2027-10-11', // Mon, Columbus Day
      '2027-11-11', // Thu, Veterans Day
      '2027-11-25', // Thu, Thanksgiving Day
      '2027-12-24', // Fri, Christmas Day observed (25 December is a Saturday)
      '2027-12-31', // Fri, New Year's Day 2028 observed (1 January 2028 is a Saturday)
    ],
    2028: [
      '2028-01-17', // Mon, Birthday of Martin Luther King, Jr.
      '2028-02-21', // Mon, Washington's Birthday
      '2028-05-29', // Mon, Memorial Day
      '2028-06-19', // Mon, Juneteenth
      '2028-07-04', // Tue, Independence Day
      '2028-09-04', // Mon, Labor Day
      '2028-10-09', // Mon, Columbus Day
      '2028-11-10', // Fri, Veterans Day observed (11 November is a Saturday)
      '2028-11-23', // Thu, Thanksgiving Day
      '2028-12-25', // Mon, Christmas Day
    ],
  },
};

/**
 * California Government Code §19853 (paid holidays of state employees), as CalHR publishes them: the days
 * state offices close. A Sunday holiday is observed on the Monday after; a Saturday holiday is not moved
 * (holiday credit instead), except Veterans Day, observed on the Friday before. No Columbus Day and no Juneteenth.
 */
export const CALIFORNIA_STATE_OFFICES: OfficialList = {
  name: 'California state holidays (the days state offices close)',
  source: 'California Government Code §19853',
  weekdayClosures: {
    2027: [
      '2027-01-01', // Fri, New Year's Day
      '2027-01-18', // Mon, Martin Luther King Jr. Day
      '2027-02-15', // Mon, Presidents' Day
      '2027-03-31', // Wed, Cesar Chavez Day
      '2027-05-31', // Mon, Memorial Day
      '2027-07-05', // Mon, Independence Day observed (4 July is a Sunday)
      '2027-09-06', // Mon, Labor Day
      '2027-11-11', // Thu, Veterans Day
      '2027-11-25', // Thu, Thanksgiving Day
      '2027-11-26', // Fri, Day after Thanksgiving
      // Christmas Day (Sat 25 December) and New Year's Day 2028 (Sat 1 January) are not moved to a Friday.
    ],
    2028: [
      '2028-01-17', // Mon, Martin Luther King Jr. Day
      '2028-02-21', // Mon, Presidents' Day
      '2028-03-31', // Fri, Cesar Chavez Day
      '2028-05-29', // Mon, Memorial Day
      '2028-07-04', // Tue, Independence Day
      '2028-09-04', // Mon, Labor Day
      '2028-11-10', // Fri, Veterans Day observed (11 November is a Saturday)
      '2028-11-23', // Thu, Thanksgiving Day
      '2028-11-24', // Fri, Day after Thanksgiving
      '2028-12-25', // Mon, Christmas Day
    ],
  },
};

/** Which official list each published pack must follow. */
export const PACK_LISTS: Record<string, OfficialList> = {
  'pixazo-api': US_FEDERAL,
  imaginator: US_FEDERAL,
  apiany: US_FEDERAL,
  'sora2-api': CALIFORNIA_STATE_OFFICES,
};
