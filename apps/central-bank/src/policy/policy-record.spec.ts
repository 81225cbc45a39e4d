// Proves the stored policy converts faithfully: a PUT body becomes a full policy with defaults for what it leaves out, custom limits survive the round trip through JSON, and the view shows fen as strings.
import { policyPresetNamesV1, policyUpdateRequestV1 } from '@cbdc/contracts';
import { createPolicy, InvalidPolicyError, largeValueThresholdDefault, policyPresetNames } from '@cbdc/ledger';
import { classLimitsFromStored, defaultPolicyOptions, optionsFromUpdate, policyOf, policyView, storedClassLimits, type PolicyRecord } from './policy-record';

const customClass4 = { balanceCap: 200_000n, singlePayment: 10_000n, daily: 20_000n, annual: 90_000n };

describe('policy records', () => {
  it('knows the same presets as the ledger', () => {
    expect([...policyPresetNamesV1]).toEqual([...policyPresetNames]);
  });

  it('fills what a PUT leaves out with the defaults', () => {
    const options = optionsFromUpdate(policyUpdateRequestV1({}, ''));
    expect(options).toEqual({ ...defaultPolicyOptions() });
    expect(policyOf(options)).toEqual(createPolicy());
    expect(options.largeValueThreshold).toBe(largeValueThresholdDefault);
  });

  it('turns custom limits of a PUT into a custom policy over the chosen preset', () => {
    const body = { preset: 'pboc-2021', classLimits: { 4: { balanceCap: '200000', singlePayment: '10000', daily: '20000', annual: '90000' } }, largeValueThreshold: '100' };
    const options = optionsFromUpdate(policyUpdateRequestV1(body, ''));
    const policy = policyOf(options);
    expect(policy.name).toBe('custom');
    expect(policy.classLimits[4]).toEqual(customClass4);
    expect(policy.classLimits[1]).toEqual(createPolicy({ preset: 'pboc-2021' }).classLimits[1]);
    expect(policy.largeValueThreshold).toBe(100n);
  });

  it('refuses limits the ledger cannot enforce', () => {
    const options = { ...defaultPolicyOptions(), classLimits: { 2: { ...customClass4, daily: 100_000n } } };
    expect(() => policyOf(options)).toThrow(InvalidPolicyError);
  });

  it('stores custom limits as decimal strings and reads them back unchanged', () => {
    const stored = storedClassLimits({ 4: customClass4 });
    expect(stored).toEqual({ 4: { balanceCap: '200000', singlePayment: '10000', daily: '20000', annual: '90000' } });
    expect(classLimitsFromStored(JSON.parse(JSON.stringify(stored)))).toEqual({ 4: customClass4 });
    expect(storedClassLimits({})).toBeNull();
    expect(classLimitsFromStored(null)).toEqual({});
  });

  it('shows every class with fen as strings, and which classes are custom', () => {
    const record: PolicyRecord = { version: '2', preset: 'ccb-2020', classLimits: { 4: customClass4 }, largeValueThreshold: 5_000n, calendarUtcOffsetMinutes: 480, createdAt: new Date(0), createdBy: 'staff-0a0b0c0d' };
    const view = policyView(record, policyOf(record));
    expect(view).toMatchObject({ version: '2', name: 'custom', preset: 'ccb-2020', customClasses: [4], largeValueThreshold: '5000', createdBy: 'staff-0a0b0c0d' });
    expect(view.classLimits[4]).toEqual({ balanceCap: '200000', singlePayment: '10000', daily: '20000', annual: '90000' });
    expect(view.classLimits[1].balanceCap).toBe('50000000');
  });
});
