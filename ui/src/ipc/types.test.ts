import { describe, expect, expectTypeOf, it } from "vitest";
import type { AppState as GeneratedAppState } from "../bindings/AppState";
import type { AwakeEvent as GeneratedAwakeEvent } from "../bindings/AwakeEvent";
import type { ErrorCode as GeneratedErrorCode } from "../bindings/ErrorCode";
import type { NetworkEvent as GeneratedNetworkEvent } from "../bindings/NetworkEvent";
import type { Settings as GeneratedSettings } from "../bindings/Settings";
import type { SessionView as GeneratedSessionView } from "../bindings/SessionView";
import {
  ERROR_CODES,
  type AppState,
  type CannotMove,
  type Cloud,
  type EventMap,
  type ErrorCode,
  type ItemKind,
  type ItemView,
  type RangePreview,
  type SessionView,
  type Settings,
  type Stages,
} from "./types";

// These checks run in `tsc` (npm run typecheck); vitest runs the runtime ones.
describe("types.ts re-exports the generated bindings", () => {
  it("is the generated contract, not a copy of it", () => {
    expectTypeOf<AppState>().toEqualTypeOf<GeneratedAppState>();
    expectTypeOf<Settings>().toEqualTypeOf<GeneratedSettings>();
    expectTypeOf<SessionView>().toEqualTypeOf<GeneratedSessionView>();
    expectTypeOf<ErrorCode>().toEqualTypeOf<GeneratedErrorCode>();
    expectTypeOf<AppState["notice"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Settings["googleClientSecret"]>().toEqualTypeOf<string | null>();
    expectTypeOf<Settings["googleClientSecretSaved"]>().toEqualTypeOf<boolean>();
    expectTypeOf<SessionView["stages"]>().toEqualTypeOf<Stages>();
    expectTypeOf<ItemView["kind"]>().toEqualTypeOf<ItemKind | null>();
    expectTypeOf<RangePreview["cannotMove"]>().toEqualTypeOf<CannotMove[]>();
    expectTypeOf<EventMap["sync://network"]>().toEqualTypeOf<GeneratedNetworkEvent>();
    expectTypeOf<EventMap["sync://network"]["cloud"]>().toEqualTypeOf<Cloud>();
    expectTypeOf<EventMap["sync://awake"]>().toEqualTypeOf<GeneratedAwakeEvent>();
    expectTypeOf<AppState["keepingAwake"]>().toEqualTypeOf<boolean>();
    expectTypeOf<Settings["keepAwake"]>().toEqualTypeOf<boolean>();
  });

  it("ERROR_CODES lists every generated ErrorCode exactly once", () => {
    expectTypeOf<(typeof ERROR_CODES)[number]>().toEqualTypeOf<GeneratedErrorCode>();
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toContain("QuotaExceeded");
    expect(ERROR_CODES).toHaveLength(13);
  });
});
