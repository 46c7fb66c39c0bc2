import { FaultDecisions, FaultInjection, FaultSettingsError, HOSTILE_FAULTS } from "../../../emulator/faults";
import { describeFaults } from "../../../tools/local/describe-faults";
import { faultSettingsFrom, parseFaultSchedule } from "../../../tools/local/fault-setting-sources";

function decisionsOf(decisions: FaultDecisions, functionName: string, events: number): boolean[] {
  return Array.from({ length: events }, () => decisions.decide("crashBeforeWrite", functionName));
}

describe("schedules", () => {
  it("parses probabilities and every:N", () => {
    expect(parseFaultSchedule("0.05", "--x")).toEqual({ rate: 0.05 });
    expect(parseFaultSchedule("1", "--x")).toEqual({ rate: 1 });
    expect(parseFaultSchedule(".5", "--x")).toEqual({ rate: 0.5 });
    expect(parseFaultSchedule("0", "--x")).toEqual({ rate: 0 });
    expect(parseFaultSchedule("every:7", "--x")).toEqual({ every: 7 });
  });

  it.each(["1.5", "-0.1", "every:0", "every:", "every:2.5", "5%", "often", ""])(
    "rejects %j naming the setting and the accepted forms",
    (text) => {
      expect(() => parseFaultSchedule(text, "CQRS_FAULT_TIMEOUT")).toThrow(FaultSettingsError);
      expect(() => parseFaultSchedule(text, "CQRS_FAULT_TIMEOUT")).toThrow(
        `CQRS_FAULT_TIMEOUT must be a probability from 0 to 1 (e.g. 0.05) or every:N with N a positive integer (e.g. every:20), got "${text}"`,
      );
    },
  );

  it("every:N fires on exactly the Nth, 2Nth, ... event of each function", () => {
    const decisions = new FaultDecisions({ crashBeforeWrite: { every: 3 } }, 1);
    const fired = (name: string) =>
      decisionsOf(decisions, name, 10).flatMap((fires, index) => (fires ? [index + 1] : []));
    expect(fired("a")).toEqual([3, 6, 9]);
    expect(fired("b")).toEqual([3, 6, 9]);
    // Events 11 to 20 of "a": it fires on events 12, 15 and 18.
    expect(fired("a")).toEqual([2, 5, 8]);
  });

  it("a seed repeats the decisions per function; another seed changes them", () => {
    const settings = { crashBeforeWrite: { rate: 0.3 } };
    const first = new FaultDecisions(settings, 42);
    const again = new FaultDecisions(settings, 42);
    const other = new FaultDecisions(settings, 43);
    // Interleaving with another function does not change a function's own sequence.
    decisionsOf(again, "noise", 17);
    const sequence = decisionsOf(first, "fn", 200);
    expect(decisionsOf(again, "fn", 200)).toEqual(sequence);
    expect(decisionsOf(other, "fn", 200)).not.toEqual(sequence);
    expect(decisionsOf(new FaultDecisions(settings, 42), "other-fn", 200)).not.toEqual(sequence);
  });

  it("a rate fires at about that rate", () => {
    const decisions = new FaultDecisions({ crashBeforeWrite: { rate: 0.05 } }, 7);
    const fired = decisionsOf(decisions, "fn", 20_000).filter(Boolean).length;
    expect(fired).toBeGreaterThan(850);
    expect(fired).toBeLessThan(1150);
  });
});

describe("settings from flags and environment", () => {
  it("reads every CQRS_FAULT_* variable", () => {
    expect(
      faultSettingsFrom(
        {},
        {
          CQRS_FAULT_CRASH_BEFORE_WRITE: "0.01",
          CQRS_FAULT_CRASH_AFTER_WRITE: "every:10",
          CQRS_FAULT_TIMEOUT: "0.02",
          CQRS_FAULT_DUPLICATE_DELIVERY: "0.03",
          CQRS_FAULT_REDELIVER: "every:4",
          CQRS_FAULT_THROTTLE: "on",
          CQRS_FAULT_SEED: "99",
        },
      ),
    ).toEqual({
      crashBeforeWrite: { rate: 0.01 },
      crashAfterWrite: { every: 10 },
      timeout: { rate: 0.02 },
      duplicateDelivery: { rate: 0.03 },
      redeliver: { every: 4 },
      throttle: true,
      seed: 99,
    });
  });

  it("the hostile preset, overridden by variables, overridden by flags", () => {
    const settings = faultSettingsFrom(
      { faults: "hostile", "fault-timeout": "every:5" },
      { CQRS_FAULT_TIMEOUT: "0.5", CQRS_FAULT_REDELIVER: "0", CQRS_FAULT_THROTTLE: "off" },
    );
    expect(settings).toEqual({
      ...HOSTILE_FAULTS,
      timeout: { every: 5 },
      redeliver: { rate: 0 },
      throttle: false,
    });
    expect(faultSettingsFrom({ "fault-throttle": true }, { CQRS_FAULT_THROTTLE: "off" }).throttle).toBe(true);
    expect(faultSettingsFrom({}, {})).toEqual({});
  });

  it.each([
    [
      { "fault-crash-after-write": "lots" },
      {},
      /--fault-crash-after-write must be a probability from 0 to 1/,
    ],
    [{}, { CQRS_FAULT_DUPLICATE_DELIVERY: "2" }, /CQRS_FAULT_DUPLICATE_DELIVERY must be a probability/],
    [{}, { CQRS_FAULT_THROTTLE: "maybe" }, /CQRS_FAULT_THROTTLE must be on or off, got "maybe"/],
    [{ "fault-seed": "-3" }, {}, /--fault-seed must be an integer from 0 to 4294967295, got "-3"/],
    [{}, { CQRS_FAULT_SEED: "4294967296" }, /CQRS_FAULT_SEED must be an integer from 0 to 4294967295/],
    [{ faults: "evil" }, {}, /--faults must be one of none, hostile, got "evil"/],
    [{}, { CQRS_FAULTS: "chaos" }, /CQRS_FAULTS must be one of none, hostile, got "chaos"/],
  ])("rejects %j %j with a named error", (flags, environment, message) => {
    expect(() => faultSettingsFrom(flags, environment)).toThrow(FaultSettingsError);
    expect(() => faultSettingsFrom(flags, environment)).toThrow(message);
  });

  it("FaultInjection rejects typed settings that are out of range", () => {
    expect(() => new FaultInjection({ timeout: { rate: 1.2 } })).toThrow(
      "faults.timeout.rate must be a probability from 0 to 1, got 1.2",
    );
    expect(() => new FaultInjection({ redeliver: { every: 0 } })).toThrow(
      "faults.redeliver.every must be a positive integer, got 0",
    );
    expect(() => new FaultInjection({ seed: -1 })).toThrow(FaultSettingsError);
  });

  it("describes what is on, with the seed that repeats it", () => {
    expect(describeFaults({}, 5)).toBe("faults: none");
    expect(describeFaults({ timeout: { rate: 0 } }, 5)).toBe("faults: none");
    expect(
      describeFaults({ crashAfterWrite: { every: 3 }, duplicateDelivery: { rate: 0.05 }, throttle: true }, 5),
    ).toBe(
      "faults: crash-after-write every:3, duplicate-delivery 0.05, throttle (provisioned tables at their write capacity); seed 5 (CQRS_FAULT_SEED=5 repeats the decisions)",
    );
  });
});
