import * as api from './index';

describe('@potions/dashboard public surface', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(api).sort()).toEqual(['DASHBOARD_CONTENT_TYPE', 'DASHBOARD_FILE', 'DEFAULT_MAX_POINTS', 'DashboardErrorCode', 'escapeHtml', 'renderDashboard'].sort());
  });
});
