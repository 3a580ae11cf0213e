import { networkPolicy } from './network-policy';

describe('networkPolicy', () => {
  const policy = networkPolicy({ HospitalDEMSP: ['10.20.0.0/16', '192.0.2.7', '2001:db8::/32'] });

  it('lets an organisation’s staff in from its defined networks only', () => {
    expect(policy.allows('HospitalDEMSP', '10.20.3.4')).toBe(true);
    expect(policy.allows('HospitalDEMSP', '::ffff:10.20.3.4')).toBe(true);
    expect(policy.allows('HospitalDEMSP', '192.0.2.7')).toBe(true);
    expect(policy.allows('HospitalDEMSP', '2001:db8::1')).toBe(true);
    expect(policy.allows('HospitalDEMSP', '10.21.0.1')).toBe(false);
    expect(policy.allows('HospitalDEMSP', '192.0.2.8')).toBe(false);
    expect(policy.allows('HospitalDEMSP', undefined)).toBe(false);
    expect(policy.allows('HospitalDEMSP', 'not-an-ip')).toBe(false);
  });

  it('leaves organisations without a list unrestricted', () => {
    expect(policy.allows('HospitalFRMSP', '203.0.113.9')).toBe(true);
  });
});
