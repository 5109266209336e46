// Go's url.Parse as validate reads it. Each sample's verdict (and scheme) is what Go 1.26's
// net/url gave for it (a throwaway Go program printed them; they are written out here so the unit
// layer needs no Go). The semantics layer (sd-configs.test.ts) judges URLs in configs with promtool.
import { expect } from "chai";
import { parseGoUrl } from "../../generator/src/validate/go-url.js";

// [URL, the scheme Go reads, or undefined when Go refuses the URL]
const SAMPLES: Array<[string, string | undefined]> = [
  ["http://a:80/x", "http"],
  ["http://a:b:80", undefined],
  ["mongodb://a:1,b:2/db", "mongodb"],
  ["http://[::1]:9090", "http"],
  ["http://[::1", undefined],
  ["http://[1.2.3.4]", undefined],
  ["http://[fe80::1%25en0]/", "http"],
  ["x[y]://h", undefined],
  ["http://h:port", undefined],
  ["tcp://h:port", undefined],
  ["unix:///var/run/docker.sock", "unix"],
  ["", ""],
  ["*", ""],
  [":foo", undefined],
  ["1http://h", undefined],
  ["e:8761", "e"],
  ["/eureka", ""],
  ["a:b/c", "a"],
  ["//host/path", ""],
  ["///path", ""],
  ["http://u:p@h/", "http"],
  ["http://u{x}@h/", undefined],
  ["http://h%20/", undefined],
  ["http://h%zz/", undefined],
  ["http://h/%zz", undefined],
  ["http://h/#%zz", undefined],
  ["http://h/?%zz", "http"],
  ["http://a b/", undefined],
  ["http://h\u0001/", undefined],
  ["http://h>/", "http"],
  ["http://h|/", undefined],
  ["http:x", "http"],
  ["HTTP://H", "http"],
  ["http://\u00e9.example/", "http"],
  ["http://h?x", "http"],
  ["http://%e2%82%ac/", "http"],
  ["http://%41/", undefined],
  ["http://[::1%25%41]/", "http"],
  ["http://[::1]x", undefined],
];

describe("unit: Go URL parsing", () => {
  for (const [input, scheme] of SAMPLES) {
    it(`${JSON.stringify(input)} ${scheme === undefined ? "is refused" : `has scheme "${scheme}"`}`, () => {
      const parsed = parseGoUrl(input);
      if (scheme === undefined) expect(parsed, JSON.stringify(parsed)).to.have.property("error");
      else expect(parsed, JSON.stringify(parsed)).to.deep.include({ scheme });
    });
  }

  it("reads the host Prometheus checks for", () => {
    expect(parseGoUrl("http://u:p@h:80/x")).to.deep.equal({ scheme: "http", host: "h:80" });
    expect(parseGoUrl("e:8761")).to.deep.equal({ scheme: "e", host: "" });
    expect(parseGoUrl("http:///path")).to.deep.equal({ scheme: "http", host: "" });
  });
});
