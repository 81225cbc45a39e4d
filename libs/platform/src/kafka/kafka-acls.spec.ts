// Proves that the ACL rules give an operator only its own operator topics and groups plus the three request topics, give the regulator only its reports and answers, and that SASL credentials are read from settings and the environment both-or-neither.
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { ConfigError } from '../config/settings';
import { kafkaAclEntriesOf, kafkaOperatorAclRules, kafkaRegulatorAclRules, kafkaSystemAcls, type KafkaPrincipalAcls } from './kafka-acls';
import { kafkaSaslFromEnvironment } from './kafka-client';
import { kafkaSaslOf } from './kafka-settings';

function describeRules(acls: KafkaPrincipalAcls): string[] {
  return acls.rules.map((rule) => `${rule.resource}:${rule.pattern}:${rule.name}:${rule.operation}`).sort();
}

describe('Kafka ACL rules', () => {
  it('lets an operator write the request topics and read only its own operator topics and groups', () => {
    expect(describeRules(kafkaOperatorAclRules('bank-a'))).toEqual(
      [
        'topic:literal:ledger.commands.v1:write',
        'topic:literal:ledger.commands.v1:describe',
        'topic:literal:central-bank.control.v1:write',
        'topic:literal:central-bank.control.v1:describe',
        'topic:literal:central-bank.anchor.v1:write',
        'topic:literal:central-bank.anchor.v1:describe',
        'topic:literal:operator.bank-a.events.v1:read',
        'topic:literal:operator.bank-a.events.v1:describe',
        'topic:literal:operator.bank-a.anchor.v1:read',
        'topic:literal:operator.bank-a.anchor.v1:describe',
        'group:prefixed:bank-a.:read',
      ].sort(),
    );
  });

  it('never names another operator in an operator rule, and nothing is prefixed but its own groups', () => {
    for (const acls of kafkaSystemAcls(['bank-a', 'bank-b', 'bank-c'])) {
      const others = ['bank-a', 'bank-b', 'bank-c', 'regulator'].filter((id) => id !== acls.principal);
      for (const rule of acls.rules) {
        for (const other of others) expect(rule.name).not.toContain(other);
        if (rule.pattern === 'prefixed') expect(rule).toEqual({ resource: 'group', name: `${acls.principal}.`, pattern: 'prefixed', operation: 'read' });
      }
    }
  });

  it('lets the regulator read its reports and answers and write ledger commands only', () => {
    expect(describeRules(kafkaRegulatorAclRules())).toEqual(
      [
        'topic:literal:regulator.reports.v1:read',
        'topic:literal:regulator.reports.v1:describe',
        'topic:literal:operator.regulator.events.v1:read',
        'topic:literal:operator.regulator.events.v1:describe',
        'topic:literal:ledger.commands.v1:write',
        'topic:literal:ledger.commands.v1:describe',
        'group:prefixed:regulator.:read',
      ].sort(),
    );
  });

  it('refuses an operator id that is not one, or that would take the regulator principal', () => {
    expect(() => kafkaOperatorAclRules('Bank A')).toThrow(/not an operator id/);
    expect(() => kafkaOperatorAclRules('regulator')).toThrow(/not an operator id/);
  });

  it('turns rules into ALLOW bindings for User:<principal>', () => {
    const entries = kafkaAclEntriesOf(kafkaOperatorAclRules('bank-a'));
    expect(entries).toContainEqual({
      resourceType: AclResourceTypes.GROUP,
      resourceName: 'bank-a.',
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: 'User:bank-a',
      host: '*',
      operation: AclOperationTypes.READ,
      permissionType: AclPermissionTypes.ALLOW,
    });
    expect(entries.every((entry) => entry.principal === 'User:bank-a' && entry.permissionType === AclPermissionTypes.ALLOW)).toBe(true);
  });
});

describe('Kafka SASL credentials', () => {
  it('reads both-or-neither from the environment, scram-sha-512 by default', () => {
    expect(kafkaSaslFromEnvironment({})).toBeNull();
    expect(kafkaSaslFromEnvironment({ KAFKA_SASL_USERNAME: 'bank-a', KAFKA_SASL_PASSWORD: 'secret' })).toEqual({ mechanism: 'scram-sha-512', username: 'bank-a', password: 'secret' });
    expect(() => kafkaSaslFromEnvironment({ KAFKA_SASL_USERNAME: 'bank-a' })).toThrow(/together/);
    expect(() => kafkaSaslFromEnvironment({ KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b', KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/one of/);
  });

  it('reads both-or-neither from settings; none leaves the choice to the environment', () => {
    expect(kafkaSaslOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: undefined, KAFKA_SASL_PASSWORD: undefined })).toBeUndefined();
    expect(kafkaSaslOf({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'regulator', KAFKA_SASL_PASSWORD: 'p' })).toEqual({ mechanism: 'plain', username: 'regulator', password: 'p' });
    expect(() => kafkaSaslOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: undefined, KAFKA_SASL_PASSWORD: 'p' })).toThrow(ConfigError);
  });
});
