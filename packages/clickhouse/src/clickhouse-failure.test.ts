import { DomainError, UnavailableError } from "@meterline/core";
import { describe, expect, it } from "vitest";
import { ClickHouseStoreError, clickhouseFailure, serverErrorCode } from "./clickhouse-failure.js";

const server = (message: string) => new Error(message);

describe("clickhouseFailure", () => {
  it("reads the server code in 18.16's and in current releases' wording", () => {
    expect(serverErrorCode(server("Code: 62, e.displayText() = DB::Exception: Syntax error"))).toBe(62);
    expect(serverErrorCode(server("Code: 62. DB::Exception: Syntax error. (SYNTAX_ERROR)"))).toBe(62);
    expect(serverErrorCode(Object.assign(new Error("x"), { code: "241" }))).toBe(241);
    expect(serverErrorCode(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(serverErrorCode("Code: 1,")).toBeUndefined();
  });

  it("a refused statement is permanent", () => {
    const cause = server("Code: 62, e.displayText() = DB::Exception: Syntax error");
    const wrapped = clickhouseFailure(cause, "run a query");
    expect(wrapped).toBeInstanceOf(ClickHouseStoreError);
    expect(wrapped).toMatchObject({
      retryable: false,
      code: 62,
      cause,
      message: "ClickHouse refused to run a query (code 62)",
    });
  });

  it.each([
    ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8123"), { code: "ECONNREFUSED" })],
    ["a client timeout", new Error("Timeout error.")],
    ["the server's memory limit", server("Code: 241, e.displayText() = DB::Exception: Memory limit exceeded")],
    ["too many parts", server("Code: 252. DB::Exception: Too many parts")],
    ["a server timeout", server("Code: 159, e.displayText() = DB::Exception: Timeout exceeded")],
  ])("%s is retryable (503) and names no address", (_name, cause) => {
    const wrapped = clickhouseFailure(cause, "insert into events_v1");
    expect(wrapped).toBeInstanceOf(UnavailableError);
    expect(wrapped.message).toBe("ClickHouse is unavailable: could not insert into events_v1");
    expect(wrapped.cause).toBe(cause);
  });

  it("passes errors that are already classified through", () => {
    const domain = new DomainError("X", "invalid", "x");
    const store = new ClickHouseStoreError("y");
    expect(clickhouseFailure(domain, "a")).toBe(domain);
    expect(clickhouseFailure(store, "a")).toBe(store);
  });
});
