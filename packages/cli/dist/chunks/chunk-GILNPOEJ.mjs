import { createRequire as __potionsCreateRequire } from 'node:module';
const require = __potionsCreateRequire(import.meta.url);
const __potionsChunkUrl = import.meta.url;
import {
  captureOutput,
  spawnExec
} from "./chunk-XPDYRYHA.mjs";
import {
  compareVersions,
  sameVersion
} from "./chunk-55UCJZ7D.mjs";
import {
  require_dist
} from "./chunk-EHDWN6R2.mjs";
import {
  require_semver
} from "./chunk-FO7BXKCA.mjs";
import {
  systemNow
} from "./chunk-L5AWN5ZP.mjs";
import {
  external_exports
} from "./chunk-XJANFZUV.mjs";
import {
  UserError,
  errorMessage,
  silentReporter
} from "./chunk-HUJ2RKNL.mjs";
import {
  __commonJS,
  __toESM
} from "./chunk-B3VT5A5J.mjs";

// node_modules/.pnpm/ae-cvss-calculator@1.0.13/node_modules/ae-cvss-calculator/dist/ae-cvss-calculator.js
var require_ae_cvss_calculator = __commonJS({
  "node_modules/.pnpm/ae-cvss-calculator@1.0.13/node_modules/ae-cvss-calculator/dist/ae-cvss-calculator.js"(exports, module) {
    !(function(e, t) {
      "object" == typeof exports && "object" == typeof module ? module.exports = t() : "function" == typeof define && define.amd ? define([], t) : "object" == typeof exports ? exports.CvssCalculator = t() : e.CvssCalculator = t();
    })(exports, (() => (() => {
      "use strict";
      var e = { 154: (e2, t2) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.CvssVector = void 0;
        class o {
          constructor(e3, t3, o2) {
            this.vector = e3, this.normalize = t3, this.scores = o2;
          }
          isUpToDate(e3, t3) {
            return this.vector === e3 && this.normalize === t3;
          }
          getScores() {
            return this.scores;
          }
        }
        t2.CvssVector = class {
          constructor(e3) {
            this.vectorChangedListeners = [], this.components = /* @__PURE__ */ new Map(), this.clearComponents(), e3 && this.applyVector(e3);
          }
          calculateScores(e3 = false) {
            const t3 = this.toString(true);
            if (this.cachedScores && this.cachedScores.isUpToDate(t3, e3)) return this.cachedScores.getScores();
            const a = this.calculateScoresInternal(e3);
            return this.cachedScores = new o(t3, e3, a), a;
          }
          fillBaseMetrics() {
            for (const [e3, t3] of this.getRegisteredComponents()) if ("base" === e3.name) {
              for (const e4 of t3) {
                const t4 = e4.values[1];
                t4 && this.applyComponent(e4, t4);
              }
              return;
            }
            throw new Error("No base category found");
          }
          getComponents() {
            return this.components;
          }
          clearComponents() {
            this.getRegisteredComponents().forEach(((e3, t3) => {
              e3.forEach(((e4) => this.components.set(e4, e4.values[0])));
            }));
          }
          clearSpecifiedComponents(e3) {
            e3.forEach(((e4) => this.components.set(e4, e4.values[0])));
          }
          addVectorChangedListener(e3) {
            this.vectorChangedListeners.push(e3);
          }
          normalizeVector(e3) {
            return e3.replace(/\(/g, "").replace(/\)/g, "").replace(/CVSS:\d+\.?\d?/g, "").replace(/\s/g, "").replace(/\\/g, "").replace(/^\//g, "").replace(/\/$/g, "").trim();
          }
          findComponent(e3) {
            for (const t3 of this.getRegisteredComponents().values()) {
              const o2 = t3.find(((t4) => t4.name === e3 || t4.shortName === e3));
              if (o2) return o2;
            }
            return Array.from(this.components.keys()).find(((t3) => t3.name === e3 || t3.shortName === e3));
          }
          applyVector(e3) {
            this.applyVectorCount(e3);
          }
          applyVectorCount(e3) {
            const t3 = this.normalizeVector(e3).split("/");
            let o2 = 0;
            return t3.forEach(((e4) => {
              if (0 === e4.length) return;
              const [t4, a] = e4.split(":");
              0 !== t4.length && 0 !== a.length ? this.applyComponentString(t4, a, false) && o2++ : console.warn("Invalid component/value pair", e4);
            })), this.vectorChangedListeners.forEach(((e4) => e4(this))), o2;
          }
          applyComponentString(e3, t3, o2 = true) {
            const a = this.findComponent(e3);
            if (a) {
              const i = a.values.find(((e4) => e4.name === t3 || e4.shortName === t3));
              if (i) return this.components.get(a) !== i && (this.applyComponent(a, i), o2 && this.vectorChangedListeners.forEach(((e4) => e4(this))), true);
              throw new Error(`Unknown component value ${t3} for component ${e3}`);
            }
            throw new Error(`Unknown component ${e3} when setting value ${t3}`);
          }
          applyComponentStringSilent(e3, t3, o2 = true) {
            try {
              return this.applyComponentString(e3, t3, o2);
            } catch (e4) {
              return false;
            }
          }
          applyComponent(e3, t3, o2 = true) {
            this.components.set(e3, t3), o2 && this.vectorChangedListeners.forEach(((e4) => e4(this)));
          }
          applyVectorPartsIf(e3, t3, o2) {
            if (!e3) return 0;
            const a = this.normalizeVector(e3);
            if (0 === a.length) return 0;
            const i = a.split("/");
            let s = 0;
            for (const e4 of i) {
              if (!e4) continue;
              const a2 = e4.split(":", 2), i2 = this.clone(), n = t3(i2);
              if (2 === a2.length) {
                i2.applyComponentStringSilent(a2[0], a2[1]);
                const e5 = t3(i2);
                o2 ? e5 <= n && (s += this.applyComponentStringSilent(a2[0], a2[1]) ? 1 : 0) : e5 >= n && (s += this.applyComponentStringSilent(a2[0], a2[1]) ? 1 : 0);
              } else console.warn("Unknown vector argument:", e4);
            }
            return s;
          }
          applyVectorPartsIfLower(e3, t3) {
            return this.applyVectorPartsIf(e3, t3, true);
          }
          applyVectorPartsIfHigher(e3, t3) {
            return this.applyVectorPartsIf(e3, t3, false);
          }
          applyVectorPartsIfLowerVector(e3, t3) {
            return this.applyVectorPartsIf(e3.toStringDefinedParts(), t3, true);
          }
          applyVectorPartsIfHigherVector(e3, t3) {
            return this.applyVectorPartsIf(e3.toStringDefinedParts(), t3, false);
          }
          getComponent(e3) {
            const t3 = this.components.get(e3);
            if (!t3) throw new Error(`Unknown component: ${e3.name}`);
            return t3;
          }
          getComponentByString(e3) {
            const t3 = this.findComponent(e3);
            if (!t3) throw new Error(`Unknown component: ${e3}`);
            const o2 = this.components.get(t3);
            if (!o2) throw new Error(`Unknown component: ${e3}`);
            return o2;
          }
          getComponentByStringOpt(e3) {
            try {
              return this.getComponentByString(e3);
            } catch (e4) {
              return null;
            }
          }
          size() {
            return Array.from(this.components.values()).filter(this.isComponentValueDefined).length;
          }
          getFirstDefinedComponent(e3) {
            return e3.map(((e4) => this.components.get(e4))).find(this.isComponentValueDefined);
          }
          toString(e3 = false, t3 = this.getRegisteredComponents(), o2 = false) {
            let a = "";
            for (const [i, s] of t3) if (e3 || this.isCategoryPartiallyDefined(i)) for (const e4 of s) {
              const t4 = this.components.get(e4);
              if (t4) {
                if (o2 && !this.isComponentValueDefined(t4)) continue;
                a += `${e4.shortName}:${t4.shortName}/`;
              }
            }
            return this.getVectorPrefix() + a.slice(0, -1);
          }
          toStringDefinedParts() {
            return this.toString(false, this.getRegisteredComponents(), true);
          }
          isCategoryFullyDefined(e3) {
            const t3 = this.getRegisteredComponents().get(e3);
            return !!t3 && t3.every(((e4) => void 0 !== this.components.get(e4) && "ND" !== this.components.get(e4).shortName && "X" !== this.components.get(e4).shortName));
          }
          isCategoryPartiallyDefined(e3) {
            const t3 = this.getRegisteredComponents().get(e3);
            return !!t3 && t3.some(((e4) => void 0 !== this.components.get(e4) && "ND" !== this.components.get(e4).shortName && "X" !== this.components.get(e4).shortName));
          }
          round(e3, t3) {
            let o2 = Math.pow(10, t3);
            return Math.round(e3 * o2) / o2;
          }
          roundUp(e3) {
            let t3 = Math.round(1e5 * e3);
            return t3 % 1e4 == 0 ? t3 / 1e5 : (Math.floor(t3 / 1e4) + 1) / 10;
          }
          normalizeScore(e3, t3) {
            return 10 === t3 ? e3 : this.round(this.mapRange(e3, 0, t3, 0, 10), 1);
          }
          mapRange(e3, t3, o2, a, i) {
            return (e3 - t3) / (o2 - t3) * (i - a) + a;
          }
          pickRandomDefinedComponentValue(e3) {
            for (let t3 = 0; t3 < 999999; t3++) {
              const t4 = e3.values[Math.floor(Math.random() * e3.values.length)];
              if ("X" !== t4.shortName && "ND" !== t4.shortName && !t4.hide) return t4;
            }
          }
          clone() {
            const e3 = new this.constructor();
            return e3.components = new Map(this.components), e3;
          }
          diffVector(e3) {
            const t3 = new this.constructor();
            for (const [o2, a] of this.getRegisteredComponents()) for (const o3 of a) {
              const a2 = this.components.get(o3), i = e3.components.get(o3), s = this.isComponentValueDefined(a2), n = this.isComponentValueDefined(i);
              s && n && a2.shortName !== i.shortName || !s && n ? t3.applyComponent(o3, i) : s && !n && t3.applyComponent(o3, a2);
            }
            return t3;
          }
          applyEnvironmentalMetricsOntoBase() {
            for (const [e3, t3] of this.getRegisteredComponents()) for (const e4 of t3) {
              const t4 = this.components.get(e4);
              t4 && e4.baseMetricEquivalent && this.isComponentValueDefined(t4) && (e4.baseMetricEquivalentMapper ? this.applyComponentString(e4.baseMetricEquivalent.shortName, e4.baseMetricEquivalentMapper(t4).shortName, false) : this.applyComponentString(e4.baseMetricEquivalent.shortName, t4.shortName, false), this.applyComponent(e4, e4.values[0], false));
            }
            this.vectorChangedListeners.forEach(((e3) => e3(this)));
          }
          isComponentValueDefined(e3) {
            return void 0 !== e3 && "ND" !== e3.shortName && "X" !== e3.shortName;
          }
          static _reorderAttributeSeverityOrder(e3) {
            const t3 = [];
            return e3.forEach(((e4, o2) => {
              t3.push([e4]);
            })), t3;
          }
        };
      }, 156: function(e2, t2, o) {
        var a = this && this.__createBinding || (Object.create ? function(e3, t3, o2, a2) {
          void 0 === a2 && (a2 = o2);
          var i2 = Object.getOwnPropertyDescriptor(t3, o2);
          i2 && !("get" in i2 ? !t3.__esModule : i2.writable || i2.configurable) || (i2 = { enumerable: true, get: function() {
            return t3[o2];
          } }), Object.defineProperty(e3, a2, i2);
        } : function(e3, t3, o2, a2) {
          void 0 === a2 && (a2 = o2), e3[a2] = t3[o2];
        }), i = this && this.__exportStar || function(e3, t3) {
          for (var o2 in e3) "default" === o2 || Object.prototype.hasOwnProperty.call(t3, o2) || a(t3, e3, o2);
        };
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss4P0 = t2.Cvss3P0 = t2.Cvss3P1 = t2.Cvss2 = t2.CvssVector = void 0;
        var s = o(154);
        Object.defineProperty(t2, "CvssVector", { enumerable: true, get: function() {
          return s.CvssVector;
        } }), i(o(564), t2);
        var n = o(475);
        Object.defineProperty(t2, "Cvss2", { enumerable: true, get: function() {
          return n.Cvss2;
        } });
        var r = o(371);
        Object.defineProperty(t2, "Cvss3P1", { enumerable: true, get: function() {
          return r.Cvss3P1;
        } });
        var c = o(623);
        Object.defineProperty(t2, "Cvss3P0", { enumerable: true, get: function() {
          return c.Cvss3P0;
        } });
        var l = o(987);
        Object.defineProperty(t2, "Cvss4P0", { enumerable: true, get: function() {
          return l.Cvss4P0;
        } });
      }, 331: (e2, t2) => {
        var o;
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss3P0Components = void 0;
        class a {
        }
        t2.Cvss3P0Components = a, o = a, a.CONFIDENTIALITY_IMPACT_VALUES = { X: { shortName: "X", value: 0, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no loss of confidentiality within the impacted component." }, L: { shortName: "L", value: 0.22, name: "Low", jsonSchemaName: "LOW", description: "There is some loss of confidentiality. Access to some restricted information is obtained, but the attacker does not have control over what information is obtained, or the amount or kind of loss is limited. The information disclosure does not cause a direct, serious loss to the impacted component." }, H: { shortName: "H", value: 0.56, name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of confidentiality, resulting in all resources within the impacted component being divulged to the attacker. Alternatively, access to only some restricted information is obtained, but the disclosed information presents a direct, serious impact. For example, an attacker steals the administrator's password, or private encryption keys of a web server." } }, a.CONFIDENTIALITY_IMPACT = [o.CONFIDENTIALITY_IMPACT_VALUES.X, o.CONFIDENTIALITY_IMPACT_VALUES.N, o.CONFIDENTIALITY_IMPACT_VALUES.L, o.CONFIDENTIALITY_IMPACT_VALUES.H], a.INTEGRITY_IMPACT_VALUES = { X: { shortName: "X", value: 0, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no loss of integrity within the impacted component." }, L: { shortName: "L", value: 0.22, name: "Low", jsonSchemaName: "LOW", description: "Modification of data is possible, but the attacker does not have control over the consequence of a modification, or the amount of modification is limited. The data modification does not have a direct, serious impact on the impacted component." }, H: { shortName: "H", value: 0.56, name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of integrity, or a complete loss of protection. For example, the attacker is able to modify any/all files protected by the impacted component. Alternatively, only some files can be modified, but malicious modification would present a direct, serious consequence to the impacted component." } }, a.INTEGRITY_IMPACT = [o.INTEGRITY_IMPACT_VALUES.X, o.INTEGRITY_IMPACT_VALUES.N, o.INTEGRITY_IMPACT_VALUES.L, o.INTEGRITY_IMPACT_VALUES.H], a.AVAILABILITY_IMPACT_VALUES = { X: { shortName: "X", value: 0, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no impact to availability within the impacted component." }, L: { shortName: "L", value: 0.22, name: "Low", jsonSchemaName: "LOW", description: "Performance is reduced or there are interruptions in resource availability. Even if repeated exploitation of the vulnerability is possible, the attacker does not have the ability to completely deny service to legitimate users. The resources in the impacted component are either partially available all of the time, or fully available only some of the time, but overall there is no direct, serious consequence to the impacted component." }, H: { shortName: "H", value: 0.56, name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of availability, resulting in the attacker being able to fully deny access to resources in the impacted component; this loss is either sustained (while the attacker continues to deliver the attack) or persistent (the condition persists even after the attack has completed). Alternatively, the attacker has the ability to deny some availability, but the loss of availability presents a direct, serious consequence to the impacted component (e.g., the attacker cannot disrupt existing connections, but can prevent new connections; the attacker can repeatedly exploit a vulnerability that, in each instance of a successful attack, leaks a only small amount of memory, but after repeated exploitation causes a service to become completely unavailable)." } }, a.AVAILABILITY_IMPACT = [o.AVAILABILITY_IMPACT_VALUES.X, o.AVAILABILITY_IMPACT_VALUES.N, o.AVAILABILITY_IMPACT_VALUES.L, o.AVAILABILITY_IMPACT_VALUES.H], a.CONFIDENTIALITY_REQUIREMENT_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value indicates there is insufficient information to choose one of the other values, and has no impact on the overall Environmental Score, i.e., it has the same effect on scoring as assigning Medium." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of Confidentiality is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Confidentiality is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.5, name: "High", jsonSchemaName: "HIGH", description: "Loss of Confidentiality is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, a.CONFIDENTIALITY_REQUIREMENT = [o.CONFIDENTIALITY_REQUIREMENT_VALUES.X, o.CONFIDENTIALITY_REQUIREMENT_VALUES.L, o.CONFIDENTIALITY_REQUIREMENT_VALUES.M, o.CONFIDENTIALITY_REQUIREMENT_VALUES.H], a.INTEGRITY_REQUIREMENT_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value indicates there is insufficient information to choose one of the other values, and has no impact on the overall Environmental Score, i.e., it has the same effect on scoring as assigning Medium." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of Integrity is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Integrity is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.5, name: "High", jsonSchemaName: "HIGH", description: "Loss of Integrity is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, a.INTEGRITY_REQUIREMENT = [o.INTEGRITY_REQUIREMENT_VALUES.X, o.INTEGRITY_REQUIREMENT_VALUES.L, o.INTEGRITY_REQUIREMENT_VALUES.M, o.INTEGRITY_REQUIREMENT_VALUES.H], a.AVAILABILITY_REQUIREMENT_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value indicates there is insufficient information to choose one of the other values, and has no impact on the overall Environmental Score, i.e., it has the same effect on scoring as assigning Medium." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of Availability is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Availability is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.5, name: "High", jsonSchemaName: "HIGH", description: "Loss of Availability is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, a.AVAILABILITY_REQUIREMENT = [o.AVAILABILITY_REQUIREMENT_VALUES.X, o.AVAILABILITY_REQUIREMENT_VALUES.L, o.AVAILABILITY_REQUIREMENT_VALUES.M, o.AVAILABILITY_REQUIREMENT_VALUES.H], a.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "There is no impact to the integrity of the system." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "There is a partial compromise of system integrity." }, H: { shortName: "H", value: 1.5, name: "High", jsonSchemaName: "HIGH", description: "There is a total compromise of system integrity." } }, a.TEMPLATE_CIA_REQUIREMENT_MODIFIED = [o.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES.X, o.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES.L, o.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES.M, o.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES.H], a.BASE_CATEGORY = { name: "base", description: "This metric reflects the qualities of a vulnerability that are constant over time and across user environments." }, a.AV_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, name: "Network", abbreviatedName: "Netw.", jsonSchemaName: "NETWORK", description: "The vulnerable component is bound to the network stack and the set of possible attackers extends beyond the other options listed below, up to and including the entire Internet." }, A: { shortName: "A", value: 0.62, name: "Adjacent Network", abbreviatedName: "Adj. Network", jsonSchemaName: "ADJACENT_NETWORK", description: "The vulnerable component is bound to the network stack, but the attack is limited at the protocol level to a logically adjacent topology." }, L: { shortName: "L", value: 0.55, name: "Local", jsonSchemaName: "LOCAL", description: "The vulnerable component is not bound to the network stack and the attacker's path is via read/write/execute capabilities." }, P: { shortName: "P", value: 0.2, name: "Physical", abbreviatedName: "Phys.", jsonSchemaName: "PHYSICAL", description: "The attack requires the attacker to physically touch or manipulate the vulnerable component." } }, a.AV = { name: "Attack Vector", shortName: "AV", subCategory: "Exploitability Metrics", description: "This metric reflects the context by which vulnerability exploitation is possible. The more remote an attacker can be to attack a host, the greater the vulnerability score.", values: [o.AV_VALUES.X, o.AV_VALUES.N, o.AV_VALUES.A, o.AV_VALUES.L, o.AV_VALUES.P] }, a.AC_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, L: { shortName: "L", value: 0.77, name: "Low", jsonSchemaName: "LOW", description: "Specialized access conditions or extenuating circumstances do not exist. An attacker can expect repeatable success when attacking the vulnerable component." }, H: { shortName: "H", value: 0.44, name: "High", jsonSchemaName: "HIGH", description: "A successful attack depends on conditions beyond the attacker's control. That is, a successful attack cannot be accomplished at will, but requires the attacker to invest in some measurable amount of effort in preparation or execution against the vulnerable component before a successful attack can be expected." } }, a.AC = { name: "Attack Complexity", shortName: "AC", subCategory: "Exploitability Metrics", description: "This metric describes the conditions beyond the attacker's control that must exist in order to exploit the vulnerability.", values: [o.AC_VALUES.X, o.AC_VALUES.L, o.AC_VALUES.H] }, a.PR_VALUES = { X: { shortName: "X", value: 1, changedValue: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, changedValue: 0.85, name: "None", jsonSchemaName: "NONE", description: "The attacker is unauthorized prior to attack, and therefore does not require any access to settings or files of the vulnerable system to carry out an attack." }, L: { shortName: "L", value: 0.62, changedValue: 0.68, name: "Low", jsonSchemaName: "LOW", description: "The attacker requires privileges that provide basic user capabilities that could normally affect only settings and files owned by a user. Alternatively, an attacker with Low privileges has the ability to access only non-sensitive resources." }, H: { shortName: "H", value: 0.27, changedValue: 0.5, name: "High", jsonSchemaName: "HIGH", description: "The attacker requires privileges that provide significant (e.g., administrative) control over the vulnerable component allowing access to component-wide settings and files." } }, a.PR = { name: "Privileges Required", shortName: "PR", subCategory: "Exploitability Metrics", description: "This metric describes the level of privileges an attacker must possess before successfully exploiting the vulnerability.", values: [o.PR_VALUES.X, o.PR_VALUES.N, o.PR_VALUES.L, o.PR_VALUES.H] }, a.UI_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, name: "None", jsonSchemaName: "NONE", description: "The vulnerable system can be exploited without interaction from any user." }, R: { shortName: "R", value: 0.62, name: "Required", abbreviatedName: "Req.", jsonSchemaName: "REQUIRED", description: "Successful exploitation of this vulnerability requires a user to take some action before the vulnerability can be exploited. For example, a successful exploit may only be possible during the installation of an application by a system administrator." } }, a.UI = { name: "User Interaction", shortName: "UI", subCategory: "Exploitability Metrics", description: "This metric captures the requirement for a user, other than the attacker, to participate in the successful compromise of the vulnerable component.", values: [o.UI_VALUES.X, o.UI_VALUES.N, o.UI_VALUES.R] }, a.S_VALUES = { X: { shortName: "X", value: false, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, U: { shortName: "U", value: false, name: "Unchanged", abbreviatedName: "Unchang.", jsonSchemaName: "UNCHANGED", description: "An exploited vulnerability can only affect resources managed by the same authority." }, C: { shortName: "C", value: true, name: "Changed", jsonSchemaName: "CHANGED", description: "An exploited vulnerability can affect resources beyond the authorization privileges intended by the vulnerable system's design." } }, a.S = { name: "Scope", shortName: "S", subCategory: "Exploitability Metrics", description: "Can an exploit of the vulnerability be accomplished remotely?", values: [o.S_VALUES.X, o.S_VALUES.U, o.S_VALUES.C] }, a.C = { name: "Confidentiality Impact", shortName: "C", subCategory: "Impact Metrics", description: "This metric measures the impact to the confidentiality of the information resources managed by a software component due to a successfully exploited vulnerability.", values: o.CONFIDENTIALITY_IMPACT }, a.I = { name: "Integrity Impact", shortName: "I", subCategory: "Impact Metrics", description: "This metric measures the impact to integrity of a successfully exploited vulnerability.", values: o.INTEGRITY_IMPACT }, a.A = { name: "Availability Impact", shortName: "A", subCategory: "Impact Metrics", description: "This metric measures the impact to the availability of the impacted component resulting from a successfully exploited vulnerability.", values: o.AVAILABILITY_IMPACT }, a.BASE_CATEGORY_VALUES = [o.AV, o.AC, o.PR, o.UI, o.S, o.C, o.I, o.A], a.TEMPORAL_CATEGORY = { name: "temporal", description: "This metric reflects the current state of exploit techniques or code availability." }, a.E_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, U: { shortName: "U", value: 0.91, name: "Unproven", abbreviatedName: "Unproven", description: "No exploit code is available, or an exploit is theoretical." }, P: { shortName: "P", value: 0.94, name: "Proof-of-Concept", abbreviatedName: "Proof-of-conc.", jsonSchemaName: "PROOF_OF_CONCEPT", description: "Proof-of-concept exploit code is available, or an attack demonstration is not practical for most systems. The code or technique is not functional in all situations and may require substantial modification by a skilled attacker." }, F: { shortName: "F", value: 0.97, name: "Functional", jsonSchemaName: "FUNCTIONAL", description: "Functional exploit code is available. The code works in most situations where the vulnerability exists." }, H: { shortName: "H", value: 1, name: "High", jsonSchemaName: "HIGH", description: "Functional exploit code is available. The code is widespread and automated and works in all situations where the vulnerability exists." } }, a.E = { name: "Exploit Code Maturity", shortName: "E", description: "This metric measures the likelihood of the vulnerability being attacked, and is typically based on the current state of exploit techniques, exploit code availability, or active, successful exploitation of the vulnerability.", values: [o.E_VALUES.X, o.E_VALUES.U, o.E_VALUES.P, o.E_VALUES.F, o.E_VALUES.H] }, a.RL_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, O: { shortName: "O", value: 0.95, name: "Official Fix", abbreviatedName: "Off. Fix", jsonSchemaName: "OFFICIAL_FIX", description: "A complete vendor solution is available. Either the vendor has issued an official patch, or an upgrade is available." }, T: { shortName: "T", value: 0.96, name: "Temporary Fix", abbreviatedName: "Temp. Fix", jsonSchemaName: "TEMPORARY_FIX", description: "There is an official but temporary fix available. This includes instances where the vendor issues a temporary hotfix, tool, or workaround." }, W: { shortName: "W", value: 0.97, name: "Workaround", jsonSchemaName: "WORKAROUND", description: "There is an unofficial, non-vendor solution available. In some cases, users of the affected technology will create a patch of their own or provide steps to work around or otherwise mitigate the vulnerability." }, U: { shortName: "U", value: 1, name: "Unavailable", jsonSchemaName: "UNAVAILABLE", description: "There is either no solution available or it is impossible to apply." } }, a.RL = { name: "Remediation Level", shortName: "RL", description: "This metric describes the remediation level for a vulnerability in an affected resource.", values: [o.RL_VALUES.X, o.RL_VALUES.O, o.RL_VALUES.T, o.RL_VALUES.W, o.RL_VALUES.U] }, a.RC_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, U: { shortName: "U", value: 0.92, name: "Unknown", description: "Report confidence is unknown." }, R: { shortName: "R", value: 0.96, name: "Reasonable", jsonSchemaName: "REASONABLE", description: "Reasonable confidence exists, or the reported vulnerability is in a component not typically used by a target or not having a large installed base." }, C: { shortName: "C", value: 1, name: "Confirmed", jsonSchemaName: "CONFIRMED", description: "Confirmed confidence exists, or the exploit is functional in the environment where the vulnerability exists." } }, a.RC = { name: "Report Confidence", shortName: "RC", description: "This metric describes the level of confidence in the existence of the vulnerability and the credibility of the known technical details.", values: [o.RC_VALUES.X, o.RC_VALUES.U, o.RC_VALUES.R, o.RC_VALUES.C] }, a.TEMPORAL_CATEGORY_VALUES = [o.E, o.RL, o.RC], a.ENVIRONMENTAL_CATEGORY = { name: "environmental", description: "This metric reflects the characteristics of a vulnerability that are relevant and unique to a particular user's environment. This metric can greatly improve the accuracy of a score." }, a.MAV_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, name: "Network", abbreviatedName: "Netw.", jsonSchemaName: "NETWORK", description: "The vulnerable component is bound to the network stack and the set of possible attackers extends beyond the other options listed below, up to and including the entire Internet." }, A: { shortName: "A", value: 0.62, name: "Adjacent Network", abbreviatedName: "Adj. Network", jsonSchemaName: "ADJACENT_NETWORK", description: "The vulnerable component is bound to the network stack, but the attack is limited at the protocol level to a logically adjacent topology." }, L: { shortName: "L", value: 0.55, name: "Local", jsonSchemaName: "LOCAL", description: "The vulnerable component is not bound to the network stack and the attacker's path is via read/write/execute capabilities." }, P: { shortName: "P", value: 0.2, name: "Physical", abbreviatedName: "Phys.", jsonSchemaName: "PHYSICAL", description: "The attack requires the attacker to physically touch or manipulate the vulnerable component." } }, a.MAV = { name: "Modified Attack Vector", shortName: "MAV", subCategory: "Exploitability Metrics", description: "This metric reflects the context by which vulnerability exploitation is possible. The more remote an attacker can be to attack a host, the greater the vulnerability score.", baseMetricEquivalent: o.AV, values: [o.MAV_VALUES.X, o.MAV_VALUES.N, o.MAV_VALUES.A, o.MAV_VALUES.L, o.MAV_VALUES.P] }, a.MAC_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, L: { shortName: "L", value: 0.77, name: "Low", jsonSchemaName: "LOW", description: "Specialized access conditions or extenuating circumstances do not exist. An attacker can expect repeatable success when attacking the vulnerable component." }, H: { shortName: "H", value: 0.44, name: "High", jsonSchemaName: "HIGH", description: "A successful attack depends on conditions beyond the attacker's control. That is, a successful attack cannot be accomplished at will, but requires the attacker to invest in some measurable amount of effort in preparation or execution against the vulnerable component before a successful attack can be expected." } }, a.MAC = { name: "Modified Attack Complexity", shortName: "MAC", subCategory: "Exploitability Metrics", description: "This metric describes the conditions beyond the attacker's control that must exist in order to exploit the vulnerability.", baseMetricEquivalent: o.AC, values: [o.MAC_VALUES.X, o.MAC_VALUES.L, o.MAC_VALUES.H] }, a.MPR_VALUES = { X: { shortName: "X", value: 1, changedValue: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, changedValue: 0.85, name: "None", jsonSchemaName: "NONE", description: "The attacker is unauthorized prior to attack, and therefore does not require any access to settings or files of the vulnerable system to carry out an attack." }, L: { shortName: "L", value: 0.62, changedValue: 0.68, name: "Low", jsonSchemaName: "LOW", description: "The attacker requires privileges that provide basic user capabilities that could normally affect only settings and files owned by a user. Alternatively, an attacker with Low privileges has the ability to access only non-sensitive resources." }, H: { shortName: "H", value: 0.27, changedValue: 0.5, name: "High", jsonSchemaName: "HIGH", description: "The attacker requires privileges that provide significant (e.g., administrative) control over the vulnerable component allowing access to component-wide settings and files." } }, a.MPR = { name: "Modified Privileges Required", shortName: "MPR", subCategory: "Exploitability Metrics", description: "This metric describes the level of privileges an attacker must possess before successfully exploiting the vulnerability.", baseMetricEquivalent: o.PR, values: [o.MPR_VALUES.X, o.MPR_VALUES.N, o.MPR_VALUES.L, o.MPR_VALUES.H] }, a.MUI_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, name: "None", jsonSchemaName: "NONE", description: "The vulnerable system can be exploited without interaction from any user." }, R: { shortName: "R", value: 0.62, name: "Required", jsonSchemaName: "REQUIRED", description: "Successful exploitation of this vulnerability requires a user to take some action before the vulnerability can be exploited. For example, a successful exploit may only be possible during the installation of an application by a system administrator." } }, a.MUI = { name: "Modified User Interaction", shortName: "MUI", subCategory: "Exploitability Metrics", description: "This metric captures the requirement for a user, other than the attacker, to participate in the successful compromise of the vulnerable component.", baseMetricEquivalent: o.UI, values: [o.MUI_VALUES.X, o.MUI_VALUES.N, o.MUI_VALUES.R] }, a.MS_VALUES = { X: { shortName: "X", value: false, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, U: { shortName: "U", value: false, name: "Unchanged", abbreviatedName: "Unchang.", jsonSchemaName: "UNCHANGED", description: "An exploited vulnerability can only affect resources managed by the same authority." }, C: { shortName: "C", value: true, name: "Changed", jsonSchemaName: "CHANGED", description: "An exploited vulnerability can affect resources beyond the authorization privileges intended by the vulnerable system's design." } }, a.MS = { name: "Modified Scope", shortName: "MS", subCategory: "Exploitability Metrics", description: "Can an exploit of the vulnerability be accomplished remotely?", baseMetricEquivalent: o.S, values: [o.MS_VALUES.X, o.MS_VALUES.U, o.MS_VALUES.C] }, a.MC = { name: "Confidentiality Impact", shortName: "MC", subCategory: "Modified Impact", description: "This metric measures the impact to the confidentiality of the information resources managed by a software component due to a successfully exploited vulnerability.", baseMetricEquivalent: o.C, values: o.CONFIDENTIALITY_IMPACT }, a.MI = { name: "Integrity Impact", shortName: "MI", subCategory: "Modified Impact", description: "This metric measures the impact to integrity of a successfully exploited vulnerability.", baseMetricEquivalent: o.I, values: o.INTEGRITY_IMPACT }, a.MA = { name: "Availability Impact", shortName: "MA", subCategory: "Modified Impact", description: "This metric measures the impact to the availability of the impacted component resulting from a successfully exploited vulnerability.", baseMetricEquivalent: o.A, values: o.AVAILABILITY_IMPACT }, a.CR = { name: "Confidentiality Requirement", shortName: "CR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: "This metric describes the remediation level for a vulnerability in an affected resource.", values: o.CONFIDENTIALITY_REQUIREMENT }, a.IR = { name: "Integrity Requirement", shortName: "IR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: "This metric describes the remediation level for a vulnerability in an affected resource.", values: o.INTEGRITY_REQUIREMENT }, a.AR = { name: "Availability Requirement", shortName: "AR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: "This metric describes the remediation level for a vulnerability in an affected resource.", values: o.AVAILABILITY_REQUIREMENT }, a.ENVIRONMENTAL_CATEGORY_VALUES = [o.CR, o.IR, o.AR, o.MAV, o.MAC, o.MPR, o.MUI, o.MS, o.MC, o.MI, o.MA], a.REGISTERED_COMPONENTS = /* @__PURE__ */ new Map(), o.REGISTERED_COMPONENTS.set(o.BASE_CATEGORY, o.BASE_CATEGORY_VALUES), o.REGISTERED_COMPONENTS.set(o.TEMPORAL_CATEGORY, o.TEMPORAL_CATEGORY_VALUES), o.REGISTERED_COMPONENTS.set(o.ENVIRONMENTAL_CATEGORY, o.ENVIRONMENTAL_CATEGORY_VALUES), a.ATTRIBUTE_SEVERITY_ORDER = [[o.S_VALUES.U, o.MS_VALUES.U], [o.CONFIDENTIALITY_IMPACT_VALUES.N, o.INTEGRITY_IMPACT_VALUES.N, o.AVAILABILITY_IMPACT_VALUES.N], [o.AV_VALUES.P, o.MAV_VALUES.P], [o.CONFIDENTIALITY_IMPACT_VALUES.L, o.INTEGRITY_IMPACT_VALUES.L, o.AVAILABILITY_IMPACT_VALUES.L], [o.PR_VALUES.H, o.MPR_VALUES.H], [o.AC_VALUES.H, o.MAC_VALUES.H], [o.CONFIDENTIALITY_REQUIREMENT_VALUES.L, o.INTEGRITY_REQUIREMENT_VALUES.L, o.AVAILABILITY_REQUIREMENT_VALUES.L], [o.AV_VALUES.L, o.MAV_VALUES.L], [o.CONFIDENTIALITY_IMPACT_VALUES.H, o.INTEGRITY_IMPACT_VALUES.H, o.AVAILABILITY_IMPACT_VALUES.H], [o.AV_VALUES.A, o.MAV_VALUES.A], [o.UI_VALUES.R, o.MUI_VALUES.R], [o.PR_VALUES.L, o.MPR_VALUES.L], [o.AC_VALUES.L, o.MAC_VALUES.L], [o.AV_VALUES.N, o.MAV_VALUES.N], [o.PR_VALUES.N, o.MPR_VALUES.N], [o.UI_VALUES.N, o.MUI_VALUES.N], [o.E_VALUES.U], [o.E_VALUES.P], [o.E_VALUES.F], [o.E_VALUES.H], [o.E_VALUES.X], [o.RC_VALUES.U], [o.RL_VALUES.O], [o.RL_VALUES.T], [o.RC_VALUES.R], [o.RL_VALUES.W], [o.AV_VALUES.X, o.MAV_VALUES.X], [o.AC_VALUES.X, o.MAC_VALUES.X], [o.PR_VALUES.X, o.MPR_VALUES.X], [o.UI_VALUES.X, o.MUI_VALUES.X], [o.S_VALUES.C, o.MS_VALUES.C], [o.S_VALUES.X, o.MS_VALUES.X], [o.CONFIDENTIALITY_IMPACT_VALUES.X], [o.INTEGRITY_IMPACT_VALUES.X], [o.AVAILABILITY_IMPACT_VALUES.X], [o.RL_VALUES.U], [o.RL_VALUES.X], [o.RC_VALUES.C], [o.RC_VALUES.X], [o.CONFIDENTIALITY_REQUIREMENT_VALUES.M, o.INTEGRITY_REQUIREMENT_VALUES.M, o.AVAILABILITY_REQUIREMENT_VALUES.M], [o.CONFIDENTIALITY_REQUIREMENT_VALUES.X, o.INTEGRITY_REQUIREMENT_VALUES.X, o.AVAILABILITY_REQUIREMENT_VALUES.X], [o.CONFIDENTIALITY_REQUIREMENT_VALUES.H, o.INTEGRITY_REQUIREMENT_VALUES.H, o.AVAILABILITY_REQUIREMENT_VALUES.H]];
      }, 371: (e2, t2, o) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss3P1 = void 0;
        const a = o(154), i = o(951);
        class s extends a.CvssVector {
          constructor(e3) {
            super(e3);
          }
          getRegisteredComponents() {
            return i.Cvss3P1Components.REGISTERED_COMPONENTS;
          }
          getVectorPrefix() {
            return "CVSS:3.1/";
          }
          getVectorName() {
            return "CVSS:3.1";
          }
          fillAverageVector() {
            this.applyVector("AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L");
          }
          fillRandomBaseVector() {
            this.fillRandomComponentsForCategory(i.Cvss3P1Components.BASE_CATEGORY);
          }
          fillRandomTemporalVector() {
            this.fillRandomComponentsForCategory(i.Cvss3P1Components.TEMPORAL_CATEGORY);
          }
          fillRandomEnvironmentalVector() {
            this.fillRandomComponentsForCategory(i.Cvss3P1Components.ENVIRONMENTAL_CATEGORY);
          }
          fillRandomComponentsForCategory(e3) {
            const t3 = i.Cvss3P1Components.REGISTERED_COMPONENTS.get(e3);
            if (t3) for (let e4 = 0; e4 < t3.length; e4++) {
              const o2 = t3[e4], a2 = super.pickRandomDefinedComponentValue(o2);
              if (!a2) return console.warn("Failed to pick random vector component for", o2), void this.fillAverageVector();
              this.applyComponent(o2, a2);
            }
            else console.warn("Failed to pick random vector components for", e3);
          }
          calculateScoresInternal(e3 = false) {
            const t3 = this.isBaseFullyDefined(), o2 = this.isAnyTemporalDefined(), a2 = this.isAnyEnvironmentalDefined();
            return { normalized: e3, base: t3 ? super.round(this.calculateExactBaseScore(), 1) : void 0, impact: t3 ? super.normalizeScore(super.round(this.calculateImpactScore(), 1), e3 ? 6 : 10) : void 0, exploitability: t3 ? super.normalizeScore(super.round(this.calculateExactExploitabilityScore(), 1), e3 ? 3.9 : 10) : void 0, temporal: t3 && o2 ? super.round(this.calculateExactTemporalScore(), 1) : void 0, environmental: t3 && a2 ? super.round(this.calculateExactEnvironmentalScore(), 1) : void 0, modifiedImpact: t3 && a2 ? super.normalizeScore(super.round(Math.max(0, this.calculateExactAdjustedImpactScore()), 1), e3 ? 6.1 : 10) : void 0, overall: super.round(this.calculateExactOverallScore(), 1), vector: this.toString() };
          }
          calculateExactBaseScore() {
            if (!this.isBaseFullyDefined()) return 0;
            let e3 = this.calculateExactImpactScore();
            if (e3 <= 0) return 0;
            let t3 = this.calculateExactExploitabilityScore();
            return this.getComponent(i.Cvss3P1Components.S).value ? super.roundUp(Math.min(s.SCOPE_COEFFICIENT * (e3 + t3), 10)) : super.roundUp(Math.min(e3 + t3, 10));
          }
          calculateImpactScore() {
            const e3 = this.calculateExactImpactScore();
            return e3 <= 0 ? 0 : e3;
          }
          calculateExactImpactScore() {
            let e3 = this.calculateExactISSScore();
            return this.getComponent(i.Cvss3P1Components.S).value ? s.SCOPE_CHANGED_FACTOR * (e3 - 0.029) - 3.25 * Math.pow(e3 - 0.02, 15) : s.SCOPE_UNCHANGED_FACTOR * e3;
          }
          calculateExactISSScore() {
            return 1 - (1 - this.getComponent(i.Cvss3P1Components.C).value) * (1 - this.getComponent(i.Cvss3P1Components.I).value) * (1 - this.getComponent(i.Cvss3P1Components.A).value);
          }
          calculateExactMISSScore() {
            let e3, t3, o2, a2, s2, n, r = this.getComponent(i.Cvss3P1Components.MC), c = this.getComponent(i.Cvss3P1Components.MI), l = this.getComponent(i.Cvss3P1Components.MA), m = this.getComponent(i.Cvss3P1Components.C), h = this.getComponent(i.Cvss3P1Components.I), E = this.getComponent(i.Cvss3P1Components.A), u = this.getComponent(i.Cvss3P1Components.CR), d = this.getComponent(i.Cvss3P1Components.IR), p = this.getComponent(i.Cvss3P1Components.AR);
            return e3 = r === i.Cvss3P1Components.MC.values[0] ? m.value : r.value, t3 = c === i.Cvss3P1Components.MI.values[0] ? h.value : c.value, o2 = l === i.Cvss3P1Components.MA.values[0] ? E.value : l.value, i.Cvss3P1Components.CR.values[0], a2 = u.value, i.Cvss3P1Components.IR.values[0], s2 = d.value, i.Cvss3P1Components.AR.values[0], n = p.value, Math.min(1 - (1 - a2 * e3) * (1 - s2 * t3) * (1 - n * o2), 0.915);
          }
          calculateExactExploitabilityScore() {
            const e3 = this.getComponent(i.Cvss3P1Components.AV).value, t3 = this.getComponent(i.Cvss3P1Components.AC).value, o2 = this.getComponent(i.Cvss3P1Components.UI).value;
            let a2;
            return a2 = this.getComponent(i.Cvss3P1Components.S).value ? this.getComponent(i.Cvss3P1Components.PR).changedValue : this.getComponent(i.Cvss3P1Components.PR).value, s.EXPLOITABILITY_COEFFICIENT * e3 * t3 * a2 * o2;
          }
          calculateExactTemporalScore() {
            if (!this.isBaseFullyDefined()) return 0;
            if (!this.isAnyTemporalDefined()) return 0;
            let e3 = this.getComponent(i.Cvss3P1Components.E).value, t3 = this.getComponent(i.Cvss3P1Components.RL).value, o2 = this.getComponent(i.Cvss3P1Components.RC).value, a2 = this.calculateExactBaseScore();
            return super.roundUp(a2 * e3 * t3 * o2);
          }
          calculateExactEnvironmentalScore() {
            if (!this.isBaseFullyDefined()) return 0;
            if (!this.isAnyEnvironmentalDefined()) return 0;
            let e3 = this.calculateExactAdjustedImpactScore();
            if (e3 <= 0) return 0;
            let t3 = this.calculateAdjustedExploitability(), o2 = this.getComponent(i.Cvss3P1Components.E).value, a2 = this.getComponent(i.Cvss3P1Components.RL).value, n = this.getComponent(i.Cvss3P1Components.RC).value;
            if (this.isModifiedScope()) {
              let i2 = super.roundUp(Math.min(e3 + t3, 10));
              return super.roundUp(i2 * o2 * a2 * n);
            }
            {
              let i2 = super.roundUp(Math.min(s.SCOPE_COEFFICIENT * (e3 + t3), 10));
              return super.roundUp(i2 * o2 * a2 * n);
            }
          }
          calculateExactAdjustedImpactScore() {
            if (!this.isBaseFullyDefined()) return 0;
            if (!this.isAnyEnvironmentalDefined()) return 0;
            let e3 = this.calculateExactMISSScore();
            return this.isModifiedScope() ? s.SCOPE_UNCHANGED_FACTOR * e3 : s.SCOPE_CHANGED_FACTOR * (e3 - 0.029) - 3.25 * Math.pow(0.9731 * e3 - 0.02, 13);
          }
          calculateAdjustedExploitability() {
            let e3, t3 = this.getFirstDefinedComponent([i.Cvss3P1Components.MAV, i.Cvss3P1Components.AV]).value, o2 = this.getFirstDefinedComponent([i.Cvss3P1Components.MAC, i.Cvss3P1Components.AC]).value, a2 = this.getFirstDefinedComponent([i.Cvss3P1Components.MUI, i.Cvss3P1Components.UI]).value, n = this.getFirstDefinedComponent([i.Cvss3P1Components.MPR, i.Cvss3P1Components.PR]);
            return e3 = this.isModifiedScope() ? n.value : n.changedValue, s.EXPLOITABILITY_COEFFICIENT * t3 * o2 * e3 * a2;
          }
          isModifiedScope() {
            let e3 = this.getComponent(i.Cvss3P1Components.S), t3 = this.getComponent(i.Cvss3P1Components.MS);
            return t3 === i.Cvss3P1Components.MS.values[0] ? !e3.value : !t3.value;
          }
          calculateExactOverallScore() {
            return this.isAnyEnvironmentalDefined() ? this.calculateExactEnvironmentalScore() : this.isAnyTemporalDefined() ? this.calculateExactTemporalScore() : this.calculateExactBaseScore();
          }
          isBaseFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss3P1Components.BASE_CATEGORY);
          }
          isTemporalFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss3P1Components.TEMPORAL_CATEGORY);
          }
          isEnvironmentalFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss3P1Components.ENVIRONMENTAL_CATEGORY);
          }
          isAnyBaseDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss3P1Components.BASE_CATEGORY);
          }
          isAnyTemporalDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss3P1Components.TEMPORAL_CATEGORY);
          }
          isAnyEnvironmentalDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss3P1Components.ENVIRONMENTAL_CATEGORY);
          }
          getJsonSchemaSeverity(e3) {
            return 0 === e3 || isNaN(e3) ? "NONE" : e3 <= 3.9 ? "LOW" : e3 <= 6.9 ? "MEDIUM" : e3 <= 8.9 ? "HIGH" : "CRITICAL";
          }
          createJsonSchema() {
            const e3 = this.calculateScores();
            return { version: "3.1", vectorString: this.toString(), baseScore: e3.base, temporalScore: e3.temporal, environmentalScore: e3.environmental, baseSeverity: this.getJsonSchemaSeverity(e3.base), temporalSeverity: e3.temporal ? this.getJsonSchemaSeverity(e3.temporal) : void 0, environmentalSeverity: e3.environmental ? this.getJsonSchemaSeverity(e3.environmental) : void 0, attackVector: this.getComponent(i.Cvss3P1Components.AV).jsonSchemaName, attackComplexity: this.getComponent(i.Cvss3P1Components.AC).jsonSchemaName, privilegesRequired: this.getComponent(i.Cvss3P1Components.PR).jsonSchemaName, userInteraction: this.getComponent(i.Cvss3P1Components.UI).jsonSchemaName, scope: this.getComponent(i.Cvss3P1Components.S).jsonSchemaName, confidentialityImpact: this.getComponent(i.Cvss3P1Components.C).jsonSchemaName, integrityImpact: this.getComponent(i.Cvss3P1Components.I).jsonSchemaName, availabilityImpact: this.getComponent(i.Cvss3P1Components.A).jsonSchemaName, exploitCodeMaturity: this.getComponent(i.Cvss3P1Components.E).jsonSchemaName, remediationLevel: this.getComponent(i.Cvss3P1Components.RL).jsonSchemaName, reportConfidence: this.getComponent(i.Cvss3P1Components.RC).jsonSchemaName, confidentialityRequirement: this.getComponent(i.Cvss3P1Components.CR).jsonSchemaName, integrityRequirement: this.getComponent(i.Cvss3P1Components.IR).jsonSchemaName, availabilityRequirement: this.getComponent(i.Cvss3P1Components.AR).jsonSchemaName, modifiedAttackVector: this.getComponent(i.Cvss3P1Components.MAV).jsonSchemaName, modifiedAttackComplexity: this.getComponent(i.Cvss3P1Components.MAC).jsonSchemaName, modifiedPrivilegesRequired: this.getComponent(i.Cvss3P1Components.MPR).jsonSchemaName, modifiedUserInteraction: this.getComponent(i.Cvss3P1Components.MUI).jsonSchemaName, modifiedScope: this.getComponent(i.Cvss3P1Components.MS).jsonSchemaName, modifiedConfidentialityImpact: this.getComponent(i.Cvss3P1Components.MC).jsonSchemaName, modifiedIntegrityImpact: this.getComponent(i.Cvss3P1Components.MI).jsonSchemaName, modifiedAvailabilityImpact: this.getComponent(i.Cvss3P1Components.MA).jsonSchemaName };
          }
        }
        t2.Cvss3P1 = s, s.SCOPE_CHANGED_FACTOR = 7.52, s.SCOPE_UNCHANGED_FACTOR = 6.42, s.EXPLOITABILITY_COEFFICIENT = 8.22, s.SCOPE_COEFFICIENT = 1.08;
      }, 475: (e2, t2, o) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss2 = void 0;
        const a = o(154), i = o(479);
        class s extends a.CvssVector {
          constructor(e3) {
            super(e3);
          }
          getRegisteredComponents() {
            return i.Cvss2Components.REGISTERED_COMPONENTS;
          }
          getVectorPrefix() {
            return "";
          }
          getVectorName() {
            return "CVSS:2.0";
          }
          fillAverageVector() {
            this.applyVector("AV:A/AC:M/Au:N/C:P/I:P/A:P");
          }
          fillRandomBaseVector() {
            const e3 = i.Cvss2Components.BASE_CATEGORY_VALUES;
            for (let t3 = 0; t3 < e3.length; t3++) {
              const o2 = e3[t3], a2 = super.pickRandomDefinedComponentValue(o2);
              if (!a2) return console.warn("Failed to pick random vector component for", o2), void this.fillAverageVector();
              this.applyComponent(o2, a2);
            }
          }
          calculateScoresInternal(e3 = false) {
            const t3 = this.isBaseFullyDefined(), o2 = this.isAnyTemporalDefined(), a2 = this.isAnyEnvironmentalDefined();
            return { normalized: e3, base: t3 ? super.round(this.calculateExactBaseScore(), 1) : void 0, impact: t3 ? super.round(this.calculateExactImpactScore(), 1) : void 0, exploitability: t3 ? super.round(this.calculateExactExploitabilityScore(), 1) : void 0, temporal: t3 && o2 ? super.round(this.calculateExactTemporalScore(), 1) : void 0, environmental: t3 && a2 ? super.round(this.calculateExactEnvironmentalScore(), 1) : void 0, modifiedImpact: t3 && a2 ? super.round(this.calculateExactAdjustedImpactScore(), 1) : void 0, overall: super.round(this.calculateExactOverallScore(), 1), vector: this.toString() };
          }
          calculateExactBaseScore() {
            if (!this.isBaseFullyDefined()) return 0;
            let e3 = this.calculateExactImpactScore();
            return (0.6 * e3 + 0.4 * this.calculateExactExploitabilityScore() - 1.5) * this.f(e3);
          }
          calculateExactImpactScore() {
            return this.isBaseFullyDefined() ? 10.41 * (1 - (1 - this.getComponent(i.Cvss2Components.C).value) * (1 - this.getComponent(i.Cvss2Components.I).value) * (1 - this.getComponent(i.Cvss2Components.A).value)) : 0;
          }
          calculateExactExploitabilityScore() {
            return this.isBaseFullyDefined() ? 20 * this.getComponent(i.Cvss2Components.AC).value * this.getComponent(i.Cvss2Components.Au).value * this.getComponent(i.Cvss2Components.AV).value : 0;
          }
          calculateExactTemporalScore() {
            return this.isAnyTemporalDefined() ? super.round(this.calculateExactBaseScore(), 1) * this.getComponent(i.Cvss2Components.E).value * this.getComponent(i.Cvss2Components.RL).value * this.getComponent(i.Cvss2Components.RC).value : 0;
          }
          calculateExactAdjustedBaseScore() {
            let e3 = this.calculateExactAdjustedImpactScore(), t3 = this.calculateExactExploitabilityScore();
            return t3 = this.round(t3, 1), (0.6 * e3 + 0.4 * t3 - 1.5) * this.f(e3);
          }
          calculateExactAdjustedTemporalScore() {
            return this.calculateExactAdjustedBaseScore() * this.getComponent(i.Cvss2Components.E).value * this.getComponent(i.Cvss2Components.RL).value * this.getComponent(i.Cvss2Components.RC).value;
          }
          calculateExactEnvironmentalScore() {
            if (!this.isAnyEnvironmentalDefined()) return 0;
            let e3 = this.calculateExactAdjustedTemporalScore();
            return (e3 + (10 - e3) * this.getComponent(i.Cvss2Components.CDP).value) * this.getComponent(i.Cvss2Components.TD).value;
          }
          calculateExactAdjustedImpactScore() {
            if (!this.isAnyEnvironmentalDefined()) return 0;
            let e3 = this.getComponent(i.Cvss2Components.C).value, t3 = this.getComponent(i.Cvss2Components.I).value, o2 = this.getComponent(i.Cvss2Components.A).value, a2 = this.getComponent(i.Cvss2Components.CR).value, s2 = this.getComponent(i.Cvss2Components.IR).value, n = this.getComponent(i.Cvss2Components.AR).value;
            return Math.min(10, 10.41 * (1 - (1 - e3 * a2) * (1 - t3 * s2) * (1 - o2 * n)));
          }
          calculateExactOverallScore() {
            return this.isAnyEnvironmentalDefined() ? this.calculateExactEnvironmentalScore() : this.isAnyTemporalDefined() ? this.calculateExactTemporalScore() : this.calculateExactBaseScore();
          }
          isBaseFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss2Components.BASE_CATEGORY);
          }
          isTemporalFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss2Components.TEMPORAL_CATEGORY);
          }
          isEnvironmentalFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss2Components.ENVIRONMENTAL_CATEGORY);
          }
          isAnyBaseDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss2Components.BASE_CATEGORY);
          }
          isAnyTemporalDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss2Components.TEMPORAL_CATEGORY);
          }
          isAnyEnvironmentalDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss2Components.ENVIRONMENTAL_CATEGORY);
          }
          f(e3) {
            return 0 === e3 ? 0 : 1.176;
          }
          createJsonSchema() {
            const e3 = this.calculateScores();
            return { version: "2.0", vectorString: this.toString(), baseScore: e3.base, temporalScore: e3.temporal, environmentalScore: e3.environmental, accessVector: this.getComponent(i.Cvss2Components.AV).jsonSchemaName, accessComplexity: this.getComponent(i.Cvss2Components.AC).jsonSchemaName, authentication: this.getComponent(i.Cvss2Components.Au).jsonSchemaName, confidentialityImpact: this.getComponent(i.Cvss2Components.C).jsonSchemaName, integrityImpact: this.getComponent(i.Cvss2Components.I).jsonSchemaName, availabilityImpact: this.getComponent(i.Cvss2Components.A).jsonSchemaName, exploitability: this.getComponent(i.Cvss2Components.E).jsonSchemaName, remediationLevel: this.getComponent(i.Cvss2Components.RL).jsonSchemaName, reportConfidence: this.getComponent(i.Cvss2Components.RC).jsonSchemaName, collateralDamagePotential: this.getComponent(i.Cvss2Components.CDP).jsonSchemaName, targetDistribution: this.getComponent(i.Cvss2Components.TD).jsonSchemaName, confidentialityRequirement: this.getComponent(i.Cvss2Components.CR).jsonSchemaName, integrityRequirement: this.getComponent(i.Cvss2Components.IR).jsonSchemaName, availabilityRequirement: this.getComponent(i.Cvss2Components.AR).jsonSchemaName };
          }
        }
        t2.Cvss2 = s;
      }, 479: (e2, t2, o) => {
        var a;
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss2Components = void 0;
        const i = o(154);
        class s {
        }
        t2.Cvss2Components = s, a = s, s.BASE_CATEGORY = { name: "base", description: "Represents the intrinsic and fundamental characteristics of a vulnerability that are constant over time and user environments." }, s.AV_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will result in no score being calculated." }, L: { shortName: "L", value: 0.395, name: "Local", jsonSchemaName: "LOCAL", description: "A vulnerability exploitable with only local access requires the attacker to have either physical access to the vulnerable system or a local (shell) account. Examples of locally exploitable vulnerabilities are peripheral attacks such as Firewire/USB DMA attacks, and local privilege escalations (e.g., sudo)." }, A: { shortName: "A", value: 0.646, name: "Adjacent Network", abbreviatedName: "Adj. Network", jsonSchemaName: "ADJACENT_NETWORK", description: "A vulnerability exploitable with adjacent network access requires the attacker to have access to either the broadcast or collision domain of the vulnerable software.  Examples of local networks include local IP subnet, Bluetooth, IEEE 802.11, and local Ethernet segment." }, N: { shortName: "N", value: 1, name: "Network", jsonSchemaName: "NETWORK", description: 'A vulnerability exploitable with network access means the vulnerable software is bound to the network stack and the attacker does not require local network access or local access. Such a vulnerability is often termed "remotely exploitable". An example of a network attack is an RPC buffer overflow.' } }, s.AV = { name: "Access Vector", shortName: "AV", subCategory: "Exploitability Metrics", description: "This metric reflects how the vulnerability is exploited. The more remote an attacker can be to attack a host, the greater the vulnerability score.", values: [a.AV_VALUES.ND, a.AV_VALUES.L, a.AV_VALUES.A, a.AV_VALUES.N] }, s.AC_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will result in no score being calculated." }, H: { shortName: "H", value: 0.35, name: "High", jsonSchemaName: "HIGH", description: "Specialized access conditions exist. For example, an attacker can only exploit the vulnerability under very specialized conditions." }, M: { shortName: "M", value: 0.61, name: "Medium", jsonSchemaName: "MEDIUM", description: "The access conditions are somewhat specialized. For example, the attacker can only exploit the vulnerability under certain conditions." }, L: { shortName: "L", value: 0.71, name: "Low", jsonSchemaName: "LOW", description: "Specialized access conditions or extenuating circumstances do not exist. For example, an attacker can exploit the vulnerability under most conditions." } }, s.AC = { name: "Access Complexity", shortName: "AC", subCategory: "Exploitability Metrics", description: 'This metric measures the complexity of the attack required to exploit the vulnerability once an attacker has gained access to the target system. For example, consider a buffer overflow in an Internet service: If the vulnerability is exploitable only once a user has been authenticated by the service, the vulnerability is only "Medium" complexity. If, however, the vulnerability can be exploited anonymously, it is "Low" complexity.', values: [a.AC_VALUES.ND, a.AC_VALUES.H, a.AC_VALUES.M, a.AC_VALUES.L] }, s.Au_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will result in no score being calculated." }, M: { shortName: "M", value: 0.45, name: "Multiple", jsonSchemaName: "MULTIPLE", description: "Exploiting the vulnerability requires that the attacker authenticate two or more times, even if the same credentials are used each time. An example is an attacker authenticating to an operating system in addition to providing credentials to access an application hosted on that system." }, S: { shortName: "S", value: 0.56, name: "Single", jsonSchemaName: "SINGLE", description: "The vulnerability requires an attacker to be logged into the system (such as at a command line or via a desktop session or web interface)." }, N: { shortName: "N", value: 0.704, name: "None", jsonSchemaName: "NONE", description: "Authentication is not required to exploit the vulnerability." } }, s.Au = { name: "Authentication", shortName: "Au", subCategory: "Exploitability Metrics", description: 'This metric measures the number of times an attacker must authenticate to a target in order to exploit a vulnerability. "Multiple" means that the attacker must authenticate two or more times, "Single" means that the attacker must authenticate once, and "None" means that the attacker need not authenticate at all to exploit the vulnerability.', values: [a.Au_VALUES.ND, a.Au_VALUES.M, a.Au_VALUES.S, a.Au_VALUES.N] }, s.C_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will result in no score being calculated." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no impact to the confidentiality of the system." }, P: { shortName: "P", value: 0.275, name: "Partial", jsonSchemaName: "PARTIAL", description: "There is considerable informational disclosure. Access to some system files is possible, but the attacker does not have control over what is obtained, or the scope of the loss is constrained. An example is a vulnerability that divulges only certain tables in a database." }, C: { shortName: "C", value: 0.66, name: "Complete", jsonSchemaName: "COMPLETE", description: "There is total information disclosure, resulting in all system files being revealed. The attacker is able to read all of the system's data (memory, files, etc.)" } }, s.C = { name: "Confidentiality Impact", shortName: "C", subCategory: "Impact Metrics", description: "This metric measures the impact to the confidentiality of the information resources managed by a software component due to a successfully exploited vulnerability. Confidentiality refers to limiting information access and disclosure to only authorized users, as well as preventing access by, or disclosure to, unauthorized ones.", values: [a.C_VALUES.ND, a.C_VALUES.N, a.C_VALUES.P, a.C_VALUES.C] }, s.I_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will result in no score being calculated." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no impact to the integrity of the system." }, P: { shortName: "P", value: 0.275, name: "Partial", jsonSchemaName: "PARTIAL", description: "Modification of some system files or information is possible, but the attacker does not have control over what can be modified, or the scope of what the attacker can affect is limited. For example, system or application files may be overwritten or modified, but either the attacker has no control over which files are affected or the attacker can modify files within only a limited context or scope." }, C: { shortName: "C", value: 0.66, name: "Complete", jsonSchemaName: "COMPLETE", description: "There is a total compromise of system integrity. There is a complete loss of system protection, resulting in the entire system being compromised. The attacker is able to modify any files on the target system." } }, s.I = { name: "Integrity Impact", shortName: "I", subCategory: "Impact Metrics", description: "This metric measures the impact to integrity of a successfully exploited vulnerability. Integrity refers to the trustworthiness and guaranteed veracity of information.", values: [a.I_VALUES.ND, a.I_VALUES.N, a.I_VALUES.P, a.I_VALUES.C] }, s.A_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will result in no score being calculated." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no impact to availability within the impacted component." }, P: { shortName: "P", value: 0.275, name: "Partial", jsonSchemaName: "PARTIAL", description: "There is reduced performance or interruptions in resource availability. An example is a network-based flood attack that permits a limited number of successful connections to an Internet service." }, C: { shortName: "C", value: 0.66, name: "Complete", jsonSchemaName: "COMPLETE", description: "There is a total shutdown of the affected resource. The attacker can render the resource completely unavailable." } }, s.A = { name: "Availability Impact", shortName: "A", subCategory: "Impact Metrics", description: "This metric measures the impact to the availability of the impacted component resulting from a successfully exploited vulnerability. While the Confidentiality and Integrity impact metrics apply to the loss of confidentiality or integrity of data (e.g., information, files) used by the impacted component, this metric refers to the loss of availability of the impacted component itself, such as a networked service (e.g., web, database, email). Since availability refers to the accessibility of information resources, attacks that consume network bandwidth, processor cycles, or disk space all impact the availability of an impacted component. This metric considers only the availability of the impacted component itself.", values: [a.A_VALUES.ND, a.A_VALUES.N, a.A_VALUES.P, a.A_VALUES.C] }, s.BASE_CATEGORY_VALUES = [a.AV, a.AC, a.Au, a.C, a.I, a.A], s.TEMPORAL_CATEGORY = { name: "temporal", description: "The threat posed by a vulnerability may change over time. Three such factors that CVSS captures are: confirmation of the technical details of a vulnerability, the remediation status of the vulnerability, and the availability of exploit code or techniques. Since temporal metrics are optional they each include a metric value that has no effect on the score." }, s.E_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will not influence the score. It is a signal to the equation to skip this metric." }, U: { shortName: "U", value: 0.85, name: "Unproven", jsonSchemaName: "UNPROVEN", description: "No exploit code is available, or an exploit is entirely theoretical." }, POC: { shortName: "POC", value: 0.9, name: "Proof-of-concept", abbreviatedName: "Proof-of-conc.", jsonSchemaName: "PROOF_OF_CONCEPT", description: "Proof-of-concept exploit code or an attack demonstration that is not practical for most systems is available. The code or technique is not functional in all situations and may require substantial modification by a skilled attacker." }, F: { shortName: "F", value: 0.95, name: "Functional", jsonSchemaName: "FUNCTIONAL", description: "Functional exploit code is available. The code works in most situations where the vulnerability exists." }, H: { shortName: "H", value: 1, name: "High", jsonSchemaName: "HIGH", description: "Either the vulnerability is exploitable by functional mobile autonomous code, or no exploit is required (manual trigger) and details are widely available. The code works in every situation, or is actively being delivered via a mobile autonomous agent (such as a worm or virus)." } }, s.E = { name: "Exploitability", shortName: "E", description: 'This metric measures the current state of exploit techniques or code availability. "Unproven that exploit exists" is the lowest impact and "Proof-of-concept code" is the highest impact.', values: [a.E_VALUES.ND, a.E_VALUES.U, a.E_VALUES.POC, a.E_VALUES.F, a.E_VALUES.H] }, s.RL_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will not influence the score. It is a signal to the equation to skip this metric." }, OF: { shortName: "OF", value: 0.87, name: "Official Fix", abbreviatedName: "Off. Fix", jsonSchemaName: "OFFICIAL_FIX", description: "A complete vendor solution is available. Either the vendor has issued an official patch, or an upgrade is available." }, TF: { shortName: "TF", value: 0.9, name: "Temporary Fix", abbreviatedName: "Temp. Fix", jsonSchemaName: "TEMPORARY_FIX", description: "There is an official but temporary fix available. This includes instances where the vendor issues a temporary hotfix, tool, or workaround." }, W: { shortName: "W", value: 0.95, name: "Workaround", jsonSchemaName: "WORKAROUND", description: "There is an unofficial, non-vendor solution available. In some cases, users of the affected technology will create a patch of their own or provide steps to work around or otherwise mitigate the vulnerability." }, U: { shortName: "U", value: 1, name: "Unavailable", jsonSchemaName: "UNAVAILABLE", description: "There is either no solution available or it is impossible to apply." } }, s.RL = { name: "Remediation Level", shortName: "RL", description: 'This metric measures the remediation level of a vulnerability. "Official fix" is the lowest impact and "Unavailable" is the highest impact.', values: [a.RL_VALUES.ND, a.RL_VALUES.OF, a.RL_VALUES.TF, a.RL_VALUES.W, a.RL_VALUES.U] }, s.RC_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will not influence the score. It is a signal to the equation to skip this metric." }, UC: { shortName: "UC", value: 0.9, name: "Unconfirmed", jsonSchemaName: "UNCONFIRMED", description: "There is little confidence in the existence of this vulnerability. The report is unconfirmed, or the source is not known." }, UR: { shortName: "UR", value: 0.95, name: "Uncorroborated", jsonSchemaName: "UNCORROBORATED", description: "There is reasonable confidence in the existence of this vulnerability, but the technical details are not known publicly. The report is unconfirmed." }, C: { shortName: "C", value: 1, name: "Confirmed", jsonSchemaName: "CONFIRMED", description: "The existence of this vulnerability is confirmed, but the details are not known publicly. An exploit has been observed, or proof-of-concept exploit code is available. The bugtraq ID or CVE ID has been made public." } }, s.RC = { name: "Report Confidence", shortName: "RC", description: 'This metric measures the degree of confidence in the existence of the vulnerability and the credibility of the known technical details. "Unconfirmed" is the lowest confidence and "Confirmed" is the highest.', values: [a.RC_VALUES.ND, a.RC_VALUES.UC, a.RC_VALUES.UR, a.RC_VALUES.C] }, s.TEMPORAL_CATEGORY_VALUES = [a.E, a.RL, a.RC], s.ENVIRONMENTAL_CATEGORY = { name: "environmental", description: "Different environments can have an immense bearing on the risk that a vulnerability poses to an organization and its stakeholders. The CVSS environmental metric group captures the characteristics of a vulnerability that are associated with a user's IT environment. Since environmental metrics are optional they each include a metric value that has no effect on the score." }, s.CDP_VALUES = { ND: { shortName: "ND", value: 0, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will not influence the score. It is a signal to the equation to skip this metric." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no potential for loss of life, physical assets, productivity or revenue." }, L: { shortName: "L", value: 0.1, name: "Low", jsonSchemaName: "LOW", description: "A successful exploit of this vulnerability may result in slight physical or property damage. Or, there may be a slight loss of revenue or productivity to the organization." }, LM: { shortName: "LM", value: 0.3, name: "Low-Medium", abbreviatedName: "Low-Med.", jsonSchemaName: "LOW_MEDIUM", description: "A successful exploit of this vulnerability may result in moderate physical or property damage. Or, there may be a moderate loss of revenue or productivity to the organization." }, MH: { shortName: "MH", value: 0.4, name: "Medium-High", abbreviatedName: "Med.-High", jsonSchemaName: "MEDIUM_HIGH", description: "A successful exploit of this vulnerability may result in significant physical or property damage or loss. Or, there may be a significant loss of revenue or productivity." }, H: { shortName: "H", value: 0.5, name: "High", jsonSchemaName: "HIGH", description: "A successful exploit of this vulnerability may result in catastrophic physical or property damage and loss. Or, there may be a catastrophic loss of revenue or productivity." } }, s.CDP = { name: "Collateral Damage Potential", shortName: "CDP", subCategory: "General Modifiers", description: 'This metric measures the potential for loss of life or physical assets resulting from a vulnerability. "None" is the lowest impact and "High" is the highest impact.', values: [a.CDP_VALUES.ND, a.CDP_VALUES.N, a.CDP_VALUES.L, a.CDP_VALUES.LM, a.CDP_VALUES.MH, a.CDP_VALUES.H] }, s.TD_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will not influence the score. It is a signal to the equation to skip this metric." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no (0%) target distribution." }, L: { shortName: "L", value: 0.25, name: "Low", jsonSchemaName: "LOW", description: "There is a small (< 25%) target distribution." }, M: { shortName: "M", value: 0.75, name: "Medium", jsonSchemaName: "MEDIUM", description: "There is a medium (26-75%) target distribution." }, H: { shortName: "H", value: 1, name: "High", description: "There is a high (> 75%) target distribution." } }, s.TD = { name: "Target Distribution", shortName: "TD", subCategory: "General Modifiers", description: 'This metric measures the proportion of vulnerable systems that could be affected by an attack. It is meant to represent the proportion of vulnerable systems that an attacker can expect to target. "None" is the lowest impact and "High" is the highest impact.', values: [a.TD_VALUES.ND, a.TD_VALUES.N, a.TD_VALUES.L, a.TD_VALUES.M, a.TD_VALUES.H] }, s.CR_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will not influence the score. It is a signal to the equation to skip this metric." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of confidentiality is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of confidentiality is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.51, name: "High", jsonSchemaName: "HIGH", description: "Loss of confidentiality is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, s.CR = { name: "Confidentiality Requirement", shortName: "CR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: 'This metric measures the need for confidentiality of the vulnerable component to the user. For example, an attacker that exploits a vulnerability that exists on a network boundary and requires no privileges has a low need for the confidentiality of the vulnerable component. Conversely, an attacker that exploits a vulnerability that exists on the same system as the vulnerable component and requires Privileged access to the system in order to exploit it has a high need for confidentiality. "Not Defined" is the lowest impact and "High" is the highest impact.', values: [a.CR_VALUES.ND, a.CR_VALUES.L, a.CR_VALUES.M, a.CR_VALUES.H] }, s.IR_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will not influence the score. It is a signal to the equation to skip this metric." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of integrity is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of integrity is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.51, name: "High", jsonSchemaName: "HIGH", description: "Loss of integrity is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, s.IR = { name: "Integrity Requirement", shortName: "IR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: 'This metric measures the need for integrity of the vulnerable component to a user. For example, an attacker that exploits a vulnerability that exists on a network boundary and requires no privileges has a low need for the integrity of the vulnerable component. Conversely, an attacker that exploits a vulnerability that exists on the same system as the vulnerable component and requires Privileged access to the system in order to exploit it has a high need for integrity. "Not Defined" is the lowest impact and "High" is the highest impact.', values: [a.IR_VALUES.ND, a.IR_VALUES.L, a.IR_VALUES.M, a.IR_VALUES.H] }, s.AR_VALUES = { ND: { shortName: "ND", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value to the metric will not influence the score. It is a signal to the equation to skip this metric." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of availability is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of availability is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.51, name: "High", jsonSchemaName: "HIGH", description: "Loss of availability is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, s.AR = { name: "Availability Requirement", shortName: "AR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: 'This metric measures the need for availability of the vulnerable component to a user. For example, an attacker that exploits a vulnerability that exists on a network boundary and requires no privileges has a low need for the availability of the vulnerable component. Conversely, an attacker that exploits a vulnerability that exists on the same system as the vulnerable component and requires Privileged access to the system in order to exploit it has a high need for availability. "Not Defined" is the lowest impact and "High" is the highest impact.', values: [a.AR_VALUES.ND, a.AR_VALUES.L, a.AR_VALUES.M, a.AR_VALUES.H] }, s.ENVIRONMENTAL_CATEGORY_VALUES = [a.CDP, a.TD, a.CR, a.IR, a.AR], s.REGISTERED_COMPONENTS = /* @__PURE__ */ new Map(), a.REGISTERED_COMPONENTS.set(a.BASE_CATEGORY, a.BASE_CATEGORY_VALUES), a.REGISTERED_COMPONENTS.set(a.TEMPORAL_CATEGORY, a.TEMPORAL_CATEGORY_VALUES), a.REGISTERED_COMPONENTS.set(a.ENVIRONMENTAL_CATEGORY, a.ENVIRONMENTAL_CATEGORY_VALUES), s.ATTRIBUTE_SEVERITY_ORDER = i.CvssVector._reorderAttributeSeverityOrder([a.AC_VALUES.ND, a.AV_VALUES.ND, a.Au_VALUES.ND, a.C_VALUES.ND, a.I_VALUES.ND, a.A_VALUES.ND, a.C_VALUES.N, a.I_VALUES.N, a.A_VALUES.N, a.CDP_VALUES.N, a.CDP_VALUES.ND, a.TD_VALUES.N, a.CDP_VALUES.L, a.TD_VALUES.L, a.C_VALUES.P, a.I_VALUES.P, a.A_VALUES.P, a.CDP_VALUES.LM, a.AC_VALUES.H, a.AV_VALUES.L, a.CDP_VALUES.MH, a.Au_VALUES.M, a.CDP_VALUES.H, a.Au_VALUES.S, a.AC_VALUES.M, a.AV_VALUES.A, a.C_VALUES.C, a.I_VALUES.C, a.A_VALUES.C, a.Au_VALUES.N, a.AC_VALUES.L, a.TD_VALUES.M, a.E_VALUES.U, a.RL_VALUES.OF, a.E_VALUES.POC, a.RL_VALUES.TF, a.RL_VALUES.W, a.RC_VALUES.UC, a.AV_VALUES.N, a.E_VALUES.F, a.E_VALUES.H, a.E_VALUES.ND, a.RL_VALUES.U, a.RL_VALUES.ND, a.RC_VALUES.UR, a.RC_VALUES.C, a.RC_VALUES.ND, a.TD_VALUES.H, a.TD_VALUES.ND, a.CR_VALUES.L, a.CR_VALUES.M, a.IR_VALUES.L, a.IR_VALUES.M, a.AR_VALUES.L, a.AR_VALUES.M, a.CR_VALUES.ND, a.IR_VALUES.ND, a.AR_VALUES.ND, a.CR_VALUES.H, a.IR_VALUES.H, a.AR_VALUES.H]);
      }, 564: (e2, t2, o) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.applyVectorPartsIfMetricsHigher = t2.applyVectorPartsIfMetricsLower = t2.fromVector = void 0;
        const a = o(475), i = o(623), s = o(371), n = o(987), r = o(479), c = o(331), l = o(951), m = o(759), h = { "CVSS:2.0": a.Cvss2, "2.0": a.Cvss2, "CVSS:3.0": i.Cvss3P0, "3.0": i.Cvss3P0, "CVSS:3.1": s.Cvss3P1, 3.1: s.Cvss3P1, "CVSS:4.0": n.Cvss4P0, "4.0": n.Cvss4P0 };
        function E(e3, t3, o2) {
          if (!t3) return 0;
          const a2 = e3.normalizeVector(t3);
          if (0 === a2.length) return 0;
          const i2 = a2.split("/");
          let s2 = 0;
          for (const t4 of i2) {
            if (!t4) continue;
            const a3 = t4.split(":", 2);
            if (2 === a3.length) {
              const t5 = a3[0], i3 = a3[1], n2 = e3.getComponentByStringOpt(t5), r2 = t5.startsWith("M"), c2 = r2 ? t5.replace("M", "") : t5, l2 = e3.getComponentByStringOpt(c2), m2 = r2 ? t5 : `M${t5}`, h2 = e3.getComponentByStringOpt(m2), E2 = (null == n2 ? void 0 : n2.shortName) || "X", u2 = e3.applyComponentStringSilent(t5, i3), d2 = e3.getComponentByStringOpt(t5);
              u2 && o2(n2, l2, h2, d2, r2) ? s2++ : e3.applyComponentStringSilent(t5, E2);
            } else console.warn("Unknown vector argument:", t4);
          }
          return s2;
        }
        function u(e3, t3, o2, a2, i2) {
          const s2 = null != o2 && "NOT_DEFINED" !== o2.name && "NULL" !== o2.name && "X" !== o2.shortName;
          return { oldSeverity: d(e3, i2 && s2 ? o2 : t3), newSeverity: d(e3, a2) };
        }
        function d(e3, t3) {
          if (!t3) return -1;
          let o2 = [];
          if (e3 instanceof a.Cvss2 ? o2 = r.Cvss2Components.ATTRIBUTE_SEVERITY_ORDER : e3 instanceof i.Cvss3P0 ? o2 = c.Cvss3P0Components.ATTRIBUTE_SEVERITY_ORDER : e3 instanceof s.Cvss3P1 ? o2 = l.Cvss3P1Components.ATTRIBUTE_SEVERITY_ORDER : e3 instanceof n.Cvss4P0 && (o2 = m.Cvss4P0Components.ATTRIBUTE_SEVERITY_ORDER), 0 === o2.length) return console.warn("Unknown", e3.getVectorName(), "severity order list for attribute type:", t3), -1;
          for (let e4 = 0; e4 < o2.length; e4++) if (o2[e4].includes(t3)) return e4;
          return console.warn("Unknown", e3.getVectorName(), "attribute type:", t3), -1;
        }
        t2.fromVector = function(e3, t3 = void 0) {
          if (t3) {
            const o3 = h[t3];
            if (o3) return new o3(e3);
          }
          const o2 = h[e3];
          if (o2) return new o2();
          for (let t4 in h) {
            const o3 = h[t4];
            if (e3.startsWith(t4)) try {
              return new o3(e3);
            } catch (e4) {
            }
          }
          for (let t4 in h) {
            const o3 = h[t4];
            try {
              return new o3(e3);
            } catch (e4) {
            }
          }
          return null;
        }, t2.applyVectorPartsIfMetricsLower = function(e3, t3) {
          return t3 ? E(e3, t3, ((t4, o2, a2, i2, s2) => {
            const n2 = u(e3, o2, a2, i2, s2);
            return n2.newSeverity <= n2.oldSeverity;
          })) : 0;
        }, t2.applyVectorPartsIfMetricsHigher = function(e3, t3) {
          return t3 ? E(e3, t3, ((t4, o2, a2, i2, s2) => {
            const n2 = u(e3, o2, a2, i2, s2);
            return n2.newSeverity >= n2.oldSeverity;
          })) : 0;
        };
      }, 623: (e2, t2, o) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss3P0 = void 0;
        const a = o(154), i = o(331);
        class s extends a.CvssVector {
          constructor(e3) {
            super(e3);
          }
          getRegisteredComponents() {
            return i.Cvss3P0Components.REGISTERED_COMPONENTS;
          }
          getVectorPrefix() {
            return "CVSS:3.0/";
          }
          getVectorName() {
            return "CVSS:3.0";
          }
          fillAverageVector() {
            this.applyVector("AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L");
          }
          fillRandomBaseVector() {
            this.fillRandomComponentsForCategory(i.Cvss3P0Components.BASE_CATEGORY);
          }
          fillRandomTemporalVector() {
            this.fillRandomComponentsForCategory(i.Cvss3P0Components.TEMPORAL_CATEGORY);
          }
          fillRandomEnvironmentalVector() {
            this.fillRandomComponentsForCategory(i.Cvss3P0Components.ENVIRONMENTAL_CATEGORY);
          }
          fillRandomComponentsForCategory(e3) {
            const t3 = i.Cvss3P0Components.REGISTERED_COMPONENTS.get(e3);
            if (t3) for (let e4 = 0; e4 < t3.length; e4++) {
              const o2 = t3[e4], a2 = super.pickRandomDefinedComponentValue(o2);
              if (!a2) return console.warn("Failed to pick random vector component for", o2), void this.fillAverageVector();
              this.applyComponent(o2, a2);
            }
            else console.warn("Failed to pick random vector components for", e3);
          }
          calculateScoresInternal(e3 = false) {
            const t3 = this.isBaseFullyDefined(), o2 = this.isAnyTemporalDefined(), a2 = this.isAnyEnvironmentalDefined();
            return { normalized: e3, base: t3 ? super.round(this.calculateExactBaseScore(), 1) : void 0, impact: t3 ? super.normalizeScore(super.round(this.calculateImpactScore(), 1), e3 ? 6 : 10) : void 0, exploitability: t3 ? super.normalizeScore(super.round(this.calculateExactExploitabilityScore(), 1), e3 ? 3.9 : 10) : void 0, temporal: t3 && o2 ? super.round(this.calculateExactTemporalScore(), 1) : void 0, environmental: t3 && a2 ? super.round(this.calculateExactEnvironmentalScore(), 1) : void 0, modifiedImpact: t3 && a2 ? super.normalizeScore(super.round(Math.max(0, this.calculateExactAdjustedImpactScore()), 1), e3 ? 6.1 : 10) : void 0, overall: super.round(this.calculateExactOverallScore(), 1), vector: this.toString() };
          }
          calculateExactBaseScore() {
            if (!this.isBaseFullyDefined()) return 0;
            let e3 = this.calculateExactImpactScore();
            if (e3 <= 0) return 0;
            let t3 = this.calculateExactExploitabilityScore();
            return this.getComponent(i.Cvss3P0Components.S).value ? this.roundUp1(Math.min(s.SCOPE_COEFFICIENT * (e3 + t3), 10)) : this.roundUp1(Math.min(e3 + t3, 10));
          }
          calculateImpactScore() {
            const e3 = this.calculateExactImpactScore();
            return e3 <= 0 ? 0 : e3;
          }
          calculateExactImpactScore() {
            let e3 = this.calculateExactISSScore();
            return this.getComponent(i.Cvss3P0Components.S).value ? s.SCOPE_CHANGED_FACTOR * (e3 - 0.029) - 3.25 * Math.pow(e3 - 0.02, 15) : s.SCOPE_UNCHANGED_FACTOR * e3;
          }
          calculateExactISSScore() {
            return 1 - (1 - this.getComponent(i.Cvss3P0Components.C).value) * (1 - this.getComponent(i.Cvss3P0Components.I).value) * (1 - this.getComponent(i.Cvss3P0Components.A).value);
          }
          calculateExactMISSScore() {
            let e3, t3, o2, a2, s2, n, r = this.getComponent(i.Cvss3P0Components.MC), c = this.getComponent(i.Cvss3P0Components.MI), l = this.getComponent(i.Cvss3P0Components.MA), m = this.getComponent(i.Cvss3P0Components.C), h = this.getComponent(i.Cvss3P0Components.I), E = this.getComponent(i.Cvss3P0Components.A), u = this.getComponent(i.Cvss3P0Components.CR), d = this.getComponent(i.Cvss3P0Components.IR), p = this.getComponent(i.Cvss3P0Components.AR);
            return e3 = r === i.Cvss3P0Components.MC.values[0] ? m.value : r.value, t3 = c === i.Cvss3P0Components.MI.values[0] ? h.value : c.value, o2 = l === i.Cvss3P0Components.MA.values[0] ? E.value : l.value, i.Cvss3P0Components.CR.values[0], a2 = u.value, i.Cvss3P0Components.IR.values[0], s2 = d.value, i.Cvss3P0Components.AR.values[0], n = p.value, Math.min(1 - (1 - a2 * e3) * (1 - s2 * t3) * (1 - n * o2), 0.915);
          }
          calculateExactExploitabilityScore() {
            const e3 = this.getComponent(i.Cvss3P0Components.AV).value, t3 = this.getComponent(i.Cvss3P0Components.AC).value, o2 = this.getComponent(i.Cvss3P0Components.UI).value;
            let a2;
            return a2 = this.getComponent(i.Cvss3P0Components.S).value ? this.getComponent(i.Cvss3P0Components.PR).changedValue : this.getComponent(i.Cvss3P0Components.PR).value, s.EXPLOITABILITY_COEFFICIENT * e3 * t3 * a2 * o2;
          }
          calculateExactTemporalScore() {
            if (!this.isBaseFullyDefined()) return 0;
            if (!this.isAnyTemporalDefined()) return 0;
            let e3 = this.getComponent(i.Cvss3P0Components.E).value, t3 = this.getComponent(i.Cvss3P0Components.RL).value, o2 = this.getComponent(i.Cvss3P0Components.RC).value, a2 = this.calculateExactBaseScore();
            return this.roundUp1(a2 * e3 * t3 * o2);
          }
          calculateExactEnvironmentalScore() {
            if (!this.isBaseFullyDefined()) return 0;
            if (!this.isAnyEnvironmentalDefined()) return 0;
            let e3 = this.calculateExactAdjustedImpactScore();
            if (e3 <= 0) return 0;
            let t3 = this.calculateAdjustedExploitability(), o2 = this.getComponent(i.Cvss3P0Components.E).value, a2 = this.getComponent(i.Cvss3P0Components.RL).value, n = this.getComponent(i.Cvss3P0Components.RC).value;
            if (this.isModifiedScope()) {
              let i2 = this.roundUp1(Math.min(e3 + t3, 10));
              return this.roundUp1(i2 * o2 * a2 * n);
            }
            {
              let i2 = this.roundUp1(Math.min(s.SCOPE_COEFFICIENT * (e3 + t3), 10));
              return this.roundUp1(i2 * o2 * a2 * n);
            }
          }
          calculateExactAdjustedImpactScore() {
            if (!this.isBaseFullyDefined()) return 0;
            if (!this.isAnyEnvironmentalDefined()) return 0;
            let e3 = this.calculateExactMISSScore();
            return this.isModifiedScope() ? s.SCOPE_UNCHANGED_FACTOR * e3 : s.SCOPE_CHANGED_FACTOR * (e3 - 0.029) - 3.25 * Math.pow(e3 - 0.02, 15);
          }
          calculateAdjustedExploitability() {
            let e3, t3 = this.getFirstDefinedComponent([i.Cvss3P0Components.MAV, i.Cvss3P0Components.AV]).value, o2 = this.getFirstDefinedComponent([i.Cvss3P0Components.MAC, i.Cvss3P0Components.AC]).value, a2 = this.getFirstDefinedComponent([i.Cvss3P0Components.MUI, i.Cvss3P0Components.UI]).value, n = this.getFirstDefinedComponent([i.Cvss3P0Components.MPR, i.Cvss3P0Components.PR]);
            return e3 = this.isModifiedScope() ? n.value : n.changedValue, s.EXPLOITABILITY_COEFFICIENT * t3 * o2 * e3 * a2;
          }
          isModifiedScope() {
            let e3 = this.getComponent(i.Cvss3P0Components.S), t3 = this.getComponent(i.Cvss3P0Components.MS);
            return t3 === i.Cvss3P0Components.MS.values[0] ? !e3.value : !t3.value;
          }
          calculateExactOverallScore() {
            return this.isAnyEnvironmentalDefined() ? this.calculateExactEnvironmentalScore() : this.isAnyTemporalDefined() ? this.calculateExactTemporalScore() : this.calculateExactBaseScore();
          }
          isBaseFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss3P0Components.BASE_CATEGORY);
          }
          isTemporalFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss3P0Components.TEMPORAL_CATEGORY);
          }
          isEnvironmentalFullyDefined() {
            return super.isCategoryFullyDefined(i.Cvss3P0Components.ENVIRONMENTAL_CATEGORY);
          }
          isAnyBaseDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss3P0Components.BASE_CATEGORY);
          }
          isAnyTemporalDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss3P0Components.TEMPORAL_CATEGORY);
          }
          isAnyEnvironmentalDefined() {
            return super.isCategoryPartiallyDefined(i.Cvss3P0Components.ENVIRONMENTAL_CATEGORY);
          }
          roundUp1(e3) {
            return Math.ceil(10 * e3) / 10;
          }
          getJsonSchemaSeverity(e3) {
            return 0 === e3 || isNaN(e3) ? "NONE" : e3 <= 3.9 ? "LOW" : e3 <= 6.9 ? "MEDIUM" : e3 <= 8.9 ? "HIGH" : "CRITICAL";
          }
          createJsonSchema() {
            const e3 = this.calculateScores();
            return { version: "3.0", vectorString: this.toString(), baseScore: e3.base, temporalScore: e3.temporal, environmentalScore: e3.environmental, baseSeverity: this.getJsonSchemaSeverity(e3.base), temporalSeverity: e3.temporal ? this.getJsonSchemaSeverity(e3.temporal) : void 0, environmentalSeverity: e3.environmental ? this.getJsonSchemaSeverity(e3.environmental) : void 0, attackVector: this.getComponent(i.Cvss3P0Components.AV).jsonSchemaName, attackComplexity: this.getComponent(i.Cvss3P0Components.AC).jsonSchemaName, privilegesRequired: this.getComponent(i.Cvss3P0Components.PR).jsonSchemaName, userInteraction: this.getComponent(i.Cvss3P0Components.UI).jsonSchemaName, scope: this.getComponent(i.Cvss3P0Components.S).jsonSchemaName, confidentialityImpact: this.getComponent(i.Cvss3P0Components.C).jsonSchemaName, integrityImpact: this.getComponent(i.Cvss3P0Components.I).jsonSchemaName, availabilityImpact: this.getComponent(i.Cvss3P0Components.A).jsonSchemaName, exploitCodeMaturity: this.getComponent(i.Cvss3P0Components.E).jsonSchemaName, remediationLevel: this.getComponent(i.Cvss3P0Components.RL).jsonSchemaName, reportConfidence: this.getComponent(i.Cvss3P0Components.RC).jsonSchemaName, confidentialityRequirement: this.getComponent(i.Cvss3P0Components.CR).jsonSchemaName, integrityRequirement: this.getComponent(i.Cvss3P0Components.IR).jsonSchemaName, availabilityRequirement: this.getComponent(i.Cvss3P0Components.AR).jsonSchemaName, modifiedAttackVector: this.getComponent(i.Cvss3P0Components.MAV).jsonSchemaName, modifiedAttackComplexity: this.getComponent(i.Cvss3P0Components.MAC).jsonSchemaName, modifiedPrivilegesRequired: this.getComponent(i.Cvss3P0Components.MPR).jsonSchemaName, modifiedUserInteraction: this.getComponent(i.Cvss3P0Components.MUI).jsonSchemaName, modifiedScope: this.getComponent(i.Cvss3P0Components.MS).jsonSchemaName, modifiedConfidentialityImpact: this.getComponent(i.Cvss3P0Components.MC).jsonSchemaName, modifiedIntegrityImpact: this.getComponent(i.Cvss3P0Components.MI).jsonSchemaName, modifiedAvailabilityImpact: this.getComponent(i.Cvss3P0Components.MA).jsonSchemaName };
          }
        }
        t2.Cvss3P0 = s, s.SCOPE_CHANGED_FACTOR = 7.52, s.SCOPE_UNCHANGED_FACTOR = 6.42, s.EXPLOITABILITY_COEFFICIENT = 8.22, s.SCOPE_COEFFICIENT = 1.08;
      }, 730: (e2, t2) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.EQ = void 0;
        class o {
          constructor(e3, t3, o2, a) {
            this.highestSeverityVectors = [], this.level = e3, this.vectorDepth = t3, this.highestSeverityVectorsUnparsed = o2, this.predicate = a;
          }
          getLevel() {
            return this.level;
          }
          getLevelAsInt() {
            return parseInt(this.level);
          }
          getVectorDepth() {
            return this.vectorDepth;
          }
          getHighestSeverityVectors() {
            return 0 === this.highestSeverityVectors.length && (this.highestSeverityVectors = this.highestSeverityVectorsUnparsed.map(((e3) => o.createCvssInstance(e3)))), this.highestSeverityVectors;
          }
          getHighestSeverityVectorsUnparsed() {
            return this.highestSeverityVectorsUnparsed;
          }
          matchesConstraints(e3) {
            return this.predicate(e3);
          }
        }
        t2.EQ = o;
      }, 759: (e2, t2) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss4P0Components = void 0;
        class o {
        }
        t2.Cvss4P0Components = o, o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of confidentiality, resulting in all information within the Vulnerable System being divulged to the attacker. Alternatively, access to only some restricted information is obtained, but the disclosed information presents a direct, serious impact." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "There is some loss of confidentiality. Access to some restricted information is obtained, but the attacker does not have control over what information is obtained, or the amount or kind of loss is limited. The information disclosure does not cause a direct, serious loss to the Vulnerable System." }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "There is no loss of confidentiality within the Vulnerable System." } }, o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE = [o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.X, o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.H, o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.L, o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.N], o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of integrity, or a complete loss of protection. For example, the attacker is able to modify any/all files protected by the Vulnerable System. Alternatively, only some files can be modified, but malicious modification would present a direct, serious consequence to the Vulnerable System." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Modification of data is possible, but the attacker does not have control over the consequence of a modification, or the amount of modification is limited. The data modification does not have a direct, serious impact to the Vulnerable System." }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "There is no loss of integrity within the Vulnerable System." } }, o.VULNERABLE_SYSTEM_INTEGRITY_BASE = [o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.X, o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.H, o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.L, o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.N], o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of availability, resulting in the attacker being able to fully deny access to resources in the Vulnerable System; this loss is either sustained (while the attacker continues to deliver the attack) or persistent (the condition persists even after the attack has completed). Alternatively, the attacker has the ability to deny some availability, but the loss of availability presents a direct, serious consequence to the Vulnerable System (e.g., the attacker cannot disrupt existing connections, but can prevent new connections; the attacker can repeatedly exploit a vulnerability that, in each instance of a successful attack, leaks a only small amount of memory, but after repeated exploitation causes a service to become completely unavailable)." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Performance is reduced or there are interruptions in resource availability. Even if repeated exploitation of the vulnerability is possible, the attacker does not have the ability to completely deny service to legitimate users. The resources in the Vulnerable System are either partially available all of the time, or fully available only some of the time, but overall there is no direct, serious consequence to the Vulnerable System." }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "There is no impact to availability within the Vulnerable System." } }, o.VULNERABLE_SYSTEM_AVAILABILITY_BASE = [o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.X, o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.H, o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.L, o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.N], o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, S: { shortName: "S", name: "Safety", jsonSchemaName: "SAFETY", description: "! NOT A VALID VALUE FOR Safety (S), REQUIRED FOR CALCULATION OF SCORE !", hide: true }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of confidentiality, resulting in all resources within the Subsequent System being divulged to the attacker. Alternatively, access to only some restricted information is obtained, but the disclosed information presents a direct, serious impact." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "There is some loss of confidentiality. Access to some restricted information is obtained, but the attacker does not have control over what information is obtained, or the amount or kind of loss is limited. The information disclosure does not cause a direct, serious loss to the Subsequent System." }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "There is no loss of confidentiality within the Subsequent System or all confidentiality impact is constrained to the Vulnerable System." } }, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE = [o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.X, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.S, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.H, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.L, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.N], o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, S: { shortName: "S", name: "Safety", jsonSchemaName: "SAFETY", description: "! NOT A VALID VALUE FOR Safety (S), REQUIRED FOR CALCULATION OF SCORE !", hide: true }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of integrity, or a complete loss of protection. For example, the attacker is able to modify any/all files protected by the Subsequent System. Alternatively, only some files can be modified, but malicious modification would present a direct, serious consequence to the Subsequent System." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Modification of data is possible, but the attacker does not have control over the consequence of a modification, or the amount of modification is limited. The data modification does not have a direct, serious impact to the Subsequent System." }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "There is no loss of integrity within the Subsequent System or all integrity impact is constrained to the Vulnerable System." } }, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE = [o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.X, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.S, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.H, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.L, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.N], o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, S: { shortName: "S", name: "Safety", jsonSchemaName: "SAFETY", description: "! NOT A VALID VALUE FOR Safety (S), REQUIRED FOR CALCULATION OF SCORE !", hide: true }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of availability, resulting in the attacker being able to fully deny access to resources in the Subsequent System; this loss is either sustained (while the attacker continues to deliver the attack) or persistent (the condition persists even after the attack has completed). Alternatively, the attacker has the ability to deny some availability, but the loss of availability presents a direct, serious consequence to the Subsequent System (e.g., the attacker cannot disrupt existing connections, but can prevent new connections; the attacker can repeatedly exploit a vulnerability that, in each instance of a successful attack, leaks a only small amount of memory, but after repeated exploitation causes a service to become completely unavailable)." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Performance is reduced or there are interruptions in resource availability. Even if repeated exploitation of the vulnerability is possible, the attacker does not have the ability to completely deny service to legitimate users. The resources in the Subsequent System are either partially available all of the time, or fully available only some of the time, but overall there is no direct, serious consequence to the Subsequent System." }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "There is no impact to availability within the Subsequent System or all availability impact is constrained to the Vulnerable System." } }, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE = [o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.X, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.S, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.H, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.L, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.N], o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of confidentiality, resulting in all resources within the Subsequent System being divulged to the attacker. Alternatively, access to only some restricted information is obtained, but the disclosed information presents a direct, serious impact." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "There is some loss of confidentiality. Access to some restricted information is obtained, but the attacker does not have control over what information is obtained, or the amount or kind of loss is limited. The information disclosure does not cause a direct, serious loss to the Subsequent System." }, N: { shortName: "N", name: "Negligible", abbreviatedName: "Negl.", jsonSchemaName: "NEGLIGIBLE", description: "There is no loss of confidentiality within the Subsequent System or all confidentiality impact is constrained to the Vulnerable System." } }, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED = [o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.X, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.H, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.L, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.N], o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, S: { shortName: "S", name: "Safety", jsonSchemaName: "SAFETY", description: 'The exploited vulnerability will result in integrity impacts that could cause serious injury or worse (categories of "Marginal" or worse as described in IEC 61508) to a human actor or participant.' }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of integrity, or a complete loss of protection. For example, the attacker is able to modify any/all files protected by the Subsequent System. Alternatively, only some files can be modified, but malicious modification would present a direct, serious consequence to the Subsequent System." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Modification of data is possible, but the attacker does not have control over the consequence of a modification, or the amount of modification is limited. The data modification does not have a direct, serious impact to the Subsequent System." }, N: { shortName: "N", name: "Negligible", abbreviatedName: "Negl.", jsonSchemaName: "NEGLIGIBLE", description: "There is no loss of integrity within the Subsequent System or all integrity impact is constrained to the Vulnerable System." } }, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED = [o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.X, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.S, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.H, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.L, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.N], o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, S: { shortName: "S", name: "Safety", jsonSchemaName: "SAFETY", description: 'The exploited vulnerability will result in availability impacts that could cause serious injury or worse (categories of "Marginal" or worse as described in IEC 61508) to a human actor or participant.' }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of availability, resulting in the attacker being able to fully deny access to resources in the Subsequent System; this loss is either sustained (while the attacker continues to deliver the attack) or persistent (the condition persists even after the attack has completed). Alternatively, the attacker has the ability to deny some availability, but the loss of availability presents a direct, serious consequence to the Subsequent System (e.g., the attacker cannot disrupt existing connections, but can prevent new connections; the attacker can repeatedly exploit a vulnerability that, in each instance of a successful attack, leaks a only small amount of memory, but after repeated exploitation causes a service to become completely unavailable)." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Performance is reduced or there are interruptions in resource availability. Even if repeated exploitation of the vulnerability is possible, the attacker does not have the ability to completely deny service to legitimate users. The resources in the Subsequent System are either partially available all of the time, or fully available only some of the time, but overall there is no direct, serious consequence to the Subsequent System." }, N: { shortName: "N", name: "Negligible", abbreviatedName: "Negl.", jsonSchemaName: "NEGLIGIBLE", description: "There is no impact to availability within the Subsequent System or all availability impact is constrained to the Vulnerable System." } }, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED = [o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.X, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.S, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.H, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.L, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.N], o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "Loss of Confidentiality is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Confidentiality is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Loss of Confidentiality is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, o.REQUIREMENT_CONFIDENTIALITY_MODIFIED = [o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.X, o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.H, o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.M, o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.L], o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "Loss of Integrity is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Integrity is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Loss of Integrity is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, o.REQUIREMENT_INTEGRITY_MODIFIED = [o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.X, o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.H, o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.M, o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.L], o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "Loss of Availability is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Availability is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "Loss of Availability is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, o.REQUIREMENT_AVAILABILITY_MODIFIED = [o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.X, o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.H, o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.M, o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.L], o.AV_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Not Defined" }, N: { shortName: "N", name: "Network", jsonSchemaName: "NETWORK", description: "The vulnerable system is bound to the network stack and the set of possible attackers extends beyond the other options listed below, up to and including the entire Internet. Such a vulnerability is often termed \u201Cremotely exploitable\u201D and can be thought of as an attack being exploitable at the protocol level one or more network hops away (e.g., across one or more routers). An example of a network attack is an attacker causing a denial of service (DoS) by sending a specially crafted TCP packet across a wide area network." }, A: { shortName: "A", name: "Adjacent Network", abbreviatedName: "Adj. Network", jsonSchemaName: "ADJACENT", description: "The vulnerable system is bound to a protocol stack, but the attack is limited at the protocol level to a logically adjacent topology. This can mean an attack must be launched from the same shared proximity (e.g., Bluetooth, NFC, or IEEE 802.11) or logical network (e.g., local IP subnet), or from within a secure or otherwise limited administrative domain (e.g., MPLS, secure VPN within an administrative network zone). One example of an Adjacent attack would be an ARP (IPv4) or neighbor discovery (IPv6) flood leading to a denial of service on the local LAN segment." }, L: { shortName: "L", name: "Local", jsonSchemaName: "LOCAL", description: "The vulnerable system is not bound to the network stack and the attacker\u2019s path is via read/write/execute capabilities. Either: the attacker exploits the vulnerability by accessing the target system locally (e.g., keyboard, console), or through terminal emulation (e.g., SSH); or the attacker relies on User Interaction by another person to perform actions required to exploit the vulnerability (e.g., using social engineering techniques to trick a legitimate user into opening a malicious document)." }, P: { shortName: "P", name: "Physical", abbreviatedName: "Phys.", jsonSchemaName: "PHYSICAL", description: "The attack requires the attacker to physically touch or manipulate the vulnerable system. Physical interaction may be brief (e.g., evil maid attack) or persistent. An example of such an attack is a cold boot attack in which an attacker gains access to disk encryption keys after physically accessing the target system. Other examples include peripheral attacks via FireWire/USB Direct Memory Access (DMA)." } }, o.AV = { name: "Attack Vector", shortName: "AV", subCategory: "Exploitability Metrics", description: "This metric reflects the context by which vulnerability exploitation is possible.", values: [o.AV_VALUES.X, o.AV_VALUES.N, o.AV_VALUES.A, o.AV_VALUES.L, o.AV_VALUES.P], worseCaseValue: o.AV_VALUES.N }, o.AC_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Not Defined" }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "The attacker must take no measurable action to exploit the vulnerability. The attack requires no target-specific circumvention to exploit the vulnerability. An attacker can expect repeatable success against the vulnerable system." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "successful attack depends on the evasion or circumvention of security-enhancing techniques in place that would otherwise hinder the attack. The attacker must have additional methods available to bypass security measures in place." } }, o.AC = { name: "Attack Complexity", shortName: "AC", subCategory: "Exploitability Metrics", description: "This metric captures measurable actions that the attacker must take to evade or circumvent built-in security-enhancing conditions in order to obtain a working exploit.", values: [o.AC_VALUES.X, o.AC_VALUES.L, o.AC_VALUES.H], worseCaseValue: o.AC_VALUES.L }, o.AT_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Not Defined" }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "The successful attack does not depend on the deployment and execution conditions of the vulnerable system. The attacker can expect to be able to reach the vulnerability and execute the exploit under all or most instances of the vulnerability." }, P: { shortName: "P", name: "Present", jsonSchemaName: "PRESENT", description: "The successful attack depends on the presence of specific deployment and execution conditions of the vulnerable system that enable the attack. The successfulness of the attack is conditioned on execution conditions that are not under full control of the attacker. The attack may need to be launched multiple times against a single target before being successful. Network injection. The attacker must inject themselves into the logical network path between the target and the resource requested by the victim (e.g. vulnerabilities requiring an on-path attacker)." } }, o.AT = { name: "Attack Requirements", shortName: "AT", subCategory: "Exploitability Metrics", description: "This metric captures the prerequisite deployment and execution conditions or variables of the vulnerable system that enable the attack.", values: [o.AT_VALUES.X, o.AT_VALUES.N, o.AT_VALUES.P], worseCaseValue: o.AT_VALUES.N }, o.PR_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Not Defined" }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "The attacker is unauthenticated prior to attack, and therefore does not require any access to settings or files of the vulnerable system to carry out an attack." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "The attacker requires privileges that provide basic capabilities that are typically limited to settings and resources owned by a single low-privileged user. Alternatively, an attacker with Low privileges has the ability to access only non-sensitive resources." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "The attacker requires privileges that provide significant (e.g., administrative) control over the vulnerable system allowing full access to the vulnerable system\u2019s settings and files." } }, o.PR = { name: "Privileges Required", shortName: "PR", subCategory: "Exploitability Metrics", description: "This metric describes the level of privileges an attacker must possess prior to successfully exploiting the vulnerability.", values: [o.PR_VALUES.X, o.PR_VALUES.N, o.PR_VALUES.L, o.PR_VALUES.H], worseCaseValue: o.PR_VALUES.N }, o.UI_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Not Defined" }, N: { shortName: "N", name: "None", jsonSchemaName: "NONE", description: "The vulnerable system can be exploited without interaction from any human user, other than the attacker. Examples include: a remote attacker is able to send packets to a target system a locally authenticated attacker executes code to elevate privileges" }, P: { shortName: "P", name: "Passive", jsonSchemaName: "PASSIVE", description: "Successful exploitation of this vulnerability requires limited interaction by the targeted user with the vulnerable system and the attacker\u2019s payload. These interactions would be considered involuntary and do not require that the user actively subvert protections built into the vulnerable system." }, A: { shortName: "A", name: "Active", jsonSchemaName: "ACTIVE", description: "Successful exploitation of this vulnerability requires a targeted user to perform specific, conscious interactions with the vulnerable system and the attacker\u2019s payload, or the user\u2019s interactions would actively subvert protection mechanisms which would lead to exploitation of the vulnerability." } }, o.UI = { name: "User Interaction", shortName: "UI", subCategory: "Exploitability Metrics", description: "This metric captures the requirement for a human user, other than the attacker, to participate in the successful compromise of the vulnerable system.", values: [o.UI_VALUES.X, o.UI_VALUES.N, o.UI_VALUES.P, o.UI_VALUES.A], worseCaseValue: o.UI_VALUES.N }, o.VC = { name: "Confidentiality", shortName: "VC", subCategory: "Vulnerable System Impact", description: "This metric measures the impact to the confidentiality of the information managed by the Vulnerable System due to a successfully exploited vulnerability.", values: o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE, worseCaseValue: o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.H }, o.VI = { name: "Integrity", shortName: "VI", subCategory: "Vulnerable System Impact", description: "This metric measures the impact to the integrity of the Vulnerable System due to a successfully exploited vulnerability.", values: o.VULNERABLE_SYSTEM_INTEGRITY_BASE, worseCaseValue: o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.H }, o.VA = { name: "Availability", shortName: "VA", subCategory: "Vulnerable System Impact", description: "This metric measures the impact to the availability of the Vulnerable System due to a successfully exploited vulnerability.", values: o.VULNERABLE_SYSTEM_AVAILABILITY_BASE, worseCaseValue: o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.H }, o.SC = { name: "Confidentiality", shortName: "SC", subCategory: "Subsequent System Impact", description: "This metric measures the impact to the confidentiality of information managed by a system other than the Vulnerable System as a consequence of a successfully exploited vulnerability.", values: o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE, worseCaseValue: o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.H }, o.SI = { name: "Integrity", shortName: "SI", subCategory: "Subsequent System Impact", description: "This metric measures the impact to the integrity of a system other than the Vulnerable System as a consequence of a successfully exploited vulnerability.", values: o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE, worseCaseValue: o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.H }, o.SA = { name: "Availability", shortName: "SA", subCategory: "Subsequent System Impact", description: "This metric measures the impact to the availability of a system other than the Vulnerable System as a consequence of a successfully exploited vulnerability.", values: o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE, worseCaseValue: o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.H }, o.S_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "The metric has not been evaluated." }, N: { shortName: "N", name: "Negligible", abbreviatedName: "Negl.", jsonSchemaName: "NEGLIGIBLE", description: 'Consequences of the vulnerability meet definition of IEC 61508 consequence categories of "marginal," "critical," or "catastrophic."' }, P: { shortName: "P", name: "Present", jsonSchemaName: "PRESENT", description: 'Consequences of the vulnerability meet definition of IEC 61508 consequence category "negligible."' } }, o.S = { name: "Safety", shortName: "S", description: "This supplemental metric captures Safety impacts of a vulnerability when the affected system has an intended use or fitness of purpose aligned to safety.", values: [o.S_VALUES.X, o.S_VALUES.N, o.S_VALUES.P], worseCaseValue: o.S_VALUES.P }, o.AU_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "The metric has not been evaluated." }, N: { shortName: "N", name: "No", jsonSchemaName: "NO", description: "Attackers cannot reliably automate all 4 steps of the kill chain for this vulnerability for some reason. These steps are reconnaissance, weaponization, delivery, and exploitation." }, Y: { shortName: "Y", name: "Yes", jsonSchemaName: "YES", description: "Attackers can reliably automate all 4 steps of the kill chain. These steps are reconnaissance, weaponization, delivery, and exploitation (e.g., the vulnerability is \u201Cwormable\u201D)." } }, o.AU = { name: "Automatable", shortName: "AU", description: "This supplemental metric captures whether an attacker can reliably automate exploitation of this vulnerability across multiple targets, based on the first four steps of the kill chain (reconnaissance, weaponization, delivery, and exploitation).", values: [o.AU_VALUES.X, o.AU_VALUES.N, o.AU_VALUES.Y], worseCaseValue: o.AU_VALUES.Y }, o.R_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "The metric has not been evaluated." }, A: { shortName: "A", name: "Automatic", abbreviatedName: "Automat.", jsonSchemaName: "AUTOMATIC", description: "The system recovers services automatically after an attack has been performed." }, U: { shortName: "U", name: "User", jsonSchemaName: "USER", description: "The system requires manual intervention by the user to recover services, after an attack has been performed." }, I: { shortName: "I", name: "Irrecoverable", abbreviatedName: "Irrecov.", jsonSchemaName: "IRRECOVERABLE", description: "The system services are irrecoverable by the user, after an attack has been performed." } }, o.R = { name: "Recovery", shortName: "R", description: "This supplemental metric describes the resilience of a system to recover services, in terms of performance and availability, after an attack has been performed.", values: [o.R_VALUES.X, o.R_VALUES.A, o.R_VALUES.U, o.R_VALUES.I], worseCaseValue: o.R_VALUES.I }, o.V_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "The metric has not been evaluated." }, D: { shortName: "D", name: "Diffuse", jsonSchemaName: "DIFFUSE", description: "The vulnerable system has limited resources. That is, the resources that the attacker will gain control over with a single exploitation event are relatively small. An example of Diffuse (think: limited) Value Density would be an attack on a single email client vulnerability." }, C: { shortName: "C", name: "Concentrated", abbreviatedName: "Concentr.", jsonSchemaName: "CONCENTRATED", description: "The vulnerable system is rich in resources. Heuristically, such systems are often the direct responsibility of \u201Csystem operators\u201D rather than users. An example of Concentrated (think: broad) Value Density would be an attack on a central email server." } }, o.V = { name: "Value Density", shortName: "V", description: "This supplemental metric describes the resources that the attacker will gain control over with a single exploitation event.", values: [o.V_VALUES.X, o.V_VALUES.D, o.V_VALUES.C], worseCaseValue: o.V_VALUES.C }, o.RE_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "The metric has not been evaluated." }, L: { shortName: "L", name: "Low", jsonSchemaName: "LOW", description: "The effort required to respond to a vulnerability is low/trivial. Examples include: communication on better documentation, configuration workarounds, or guidance from the vendor that does not require an immediate update, upgrade, or replacement by the consuming entity, such as firewall filter configuration." }, M: { shortName: "M", name: "Moderate", abbreviatedName: "Moder.", jsonSchemaName: "MODERATE", description: "The actions required to respond to a vulnerability require some effort on behalf of the consumer and could cause minimal service impact to implement. Examples include: simple remote update, disabling of a subsystem, or a low-touch software upgrade such as a driver update." }, H: { shortName: "H", name: "High", jsonSchemaName: "HIGH", description: "The actions required to respond to a vulnerability are significant and/or difficult, and may possibly lead to an extended, scheduled service impact. This would need to be considered for scheduling purposes including honoring any embargo on deployment of the selected response. Alternatively, response to the vulnerability in the field is not possible remotely. The only resolution to the vulnerability involves physical replacement (e.g. units deployed would have to be recalled for a depot level repair or replacement)." } }, o.RE = { name: "Vulnerability Response Effort", shortName: "RE", description: "This supplemental metric provides supplemental information on how difficult it is for consumers to provide an initial response to the impact of a vulnerability for deployed products and services in their infrastructure.", values: [o.RE_VALUES.X, o.RE_VALUES.L, o.RE_VALUES.M, o.RE_VALUES.H], worseCaseValue: o.RE_VALUES.H }, o.U_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "The metric has not been evaluated." }, Clear: { shortName: "Clear", name: "Clear", jsonSchemaName: "CLEAR", description: "Provider has assessed the impact of this vulnerability as having the highest urgency." }, Green: { shortName: "Green", name: "Green", jsonSchemaName: "GREEN", description: "Provider has assessed the impact of this vulnerability as having a moderate urgency." }, Amber: { shortName: "Amber", name: "Amber", jsonSchemaName: "AMBER", description: "Provider has assessed the impact of this vulnerability as having a reduced urgency." }, Red: { shortName: "Red", name: "Red", jsonSchemaName: "RED", description: "Provider has assessed the impact of this vulnerability as having no urgency (Informational)." } }, o.U = { name: "Provider Urgency", shortName: "U", description: "This supplemental metric provides a standardized way for the system provider to convey a qualitative urgency rating (Clear, Green, Amber, Red) for the vulnerability.", values: [o.U_VALUES.X, o.U_VALUES.Clear, o.U_VALUES.Green, o.U_VALUES.Amber, o.U_VALUES.Red], worseCaseValue: o.U_VALUES.Red }, o.MAV = { name: "Modified Attack Vector", shortName: "MAV", subCategory: "Exploitability Metrics", description: "Overrides the Base Attack Vector metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.AV, values: o.AV.values, worseCaseValue: o.AV_VALUES.N }, o.MAC = { name: "Modified Attack Complexity", shortName: "MAC", subCategory: "Exploitability Metrics", description: "Overrides the Base Attack Complexity metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.AC, values: o.AC.values, worseCaseValue: o.AC_VALUES.L }, o.MAT = { name: "Modified Attack Requirements", shortName: "MAT", subCategory: "Exploitability Metrics", description: "Overrides the Base Attack Requirements metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.AT, values: o.AT.values, worseCaseValue: o.AT_VALUES.P }, o.MPR = { name: "Modified Privileges Required", shortName: "MPR", subCategory: "Exploitability Metrics", description: "Overrides the Base Privileges Required metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.PR, values: o.PR.values, worseCaseValue: o.PR_VALUES.N }, o.MUI = { name: "Modified User Interaction", shortName: "MUI", subCategory: "Exploitability Metrics", description: "Overrides the Base User Interaction metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.UI, values: o.UI.values, worseCaseValue: o.UI_VALUES.N }, o.MVC = { name: "Modified Confidentiality", shortName: "MVC", subCategory: "Vulnerable System Impact", description: "Overrides the Base Vulnerable System Confidentiality metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.VC, values: o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE, worseCaseValue: o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.H }, o.MVI = { name: "Modified Integrity", shortName: "MVI", subCategory: "Vulnerable System Impact", description: "Overrides the Base Vulnerable System Integrity metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.VI, values: o.VULNERABLE_SYSTEM_INTEGRITY_BASE, worseCaseValue: o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.H }, o.MVA = { name: "Modified Availability", shortName: "MVA", subCategory: "Vulnerable System Impact", description: "Overrides the Base Vulnerable System Availability metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.VA, values: o.VULNERABLE_SYSTEM_AVAILABILITY_BASE, worseCaseValue: o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.H }, o.MSC = { name: "Modified Confidentiality", shortName: "MSC", subCategory: "Subsequent System Impact", description: "Overrides the Base Subsequent System Confidentiality metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.SC, values: o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED, worseCaseValue: o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.H }, o.MSI = { name: "Modified Integrity", shortName: "MSI", subCategory: "Subsequent System Impact", description: "Overrides the Base Subsequent System Integrity metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.SI, baseMetricEquivalentMapper: (e3) => e3 === o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.S ? o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.H : e3, values: o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED, worseCaseValue: o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.H }, o.MSA = { name: "Modified Availability", shortName: "MSA", subCategory: "Subsequent System Impact", description: "Overrides the Base Subsequent System Availability metric to reflect specific characteristics of the analyst's environment.", baseMetricEquivalent: o.SA, baseMetricEquivalentMapper: (e3) => e3 === o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.S ? o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.H : e3, values: o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED, worseCaseValue: o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.H }, o.CR = { name: "Confidentiality Requirement", shortName: "CR", description: "This metric enables the consumer to customize the assessment depending on the importance of Confidentiality to the affected IT asset within the analyst's organization.", values: o.REQUIREMENT_CONFIDENTIALITY_MODIFIED, worseCaseValue: o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.H }, o.IR = { name: "Integrity Requirement", shortName: "IR", description: "This metric enables the consumer to customize the assessment depending on the importance of Integrity to the affected IT asset within the analyst's organization.", values: o.REQUIREMENT_INTEGRITY_MODIFIED, worseCaseValue: o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.H }, o.AR = { name: "Availability Requirement", shortName: "AR", description: "This metric enables the consumer to customize the assessment depending on the importance of Availability to the affected IT asset within the analyst's organization.", values: o.REQUIREMENT_AVAILABILITY_MODIFIED, worseCaseValue: o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.H }, o.E_VALUES = { X: { shortName: "X", name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Reliable threat intelligence is not available to determine Exploit Maturity characteristics. This is the default value and is equivalent to Attacked (A) for the purposes of the calculation of the score by assuming the worst case." }, A: { shortName: "A", name: "Attacked", jsonSchemaName: "ATTACKED", description: "Based on available threat intelligence either of the following must apply: Attacks targeting this vulnerability (attempted or successful) have been reported Solutions to simplify attempts to exploit the vulnerability are publicly or privately available (such as exploit toolkits)" }, P: { shortName: "P", name: "POC", jsonSchemaName: "PROOF_OF_CONCEPT", description: "Based on available threat intelligence each of the following must apply: Proof-of-concept exploit code is publicly available No knowledge of reported attempts to exploit this vulnerability No knowledge of publicly available solutions used to simplify attempts to exploit the vulnerability (i.e., the \u201CAttacked\u201D value does not apply)" }, U: { shortName: "U", name: "Unreported", jsonSchemaName: "UNREPORTED", description: "Based on available threat intelligence each of the following must apply: No knowledge of publicly available proof-of-concept exploit code No knowledge of reported attempts to exploit this vulnerability No knowledge of publicly available solutions used to simplify attempts to exploit the vulnerability (i.e., neither the \u201CPOC\u201D nor \u201CAttacked\u201D values apply)" } }, o.E = { name: "Exploit Maturity", shortName: "E", description: "This metric measures the likelihood of the vulnerability being attacked, and is based on the current state of exploit techniques, exploit code availability, or active in-the-wild exploitation.", values: [o.E_VALUES.X, o.E_VALUES.A, o.E_VALUES.P, o.E_VALUES.U], worseCaseValue: o.E_VALUES.A }, o.BASE_CATEGORY = { name: "base", description: "Base Metrics" }, o.SUPPLEMENTAL_CATEGORY = { name: "supplemental", description: "Supplemental Metrics" }, o.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY = { name: "environmental-base", description: "Environmental Metrics (Modified Base)" }, o.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY = { name: "environmental-security-requirement", description: "Environmental Metrics (Security Requirements)" }, o.THREAT_CATEGORY = { name: "threat", description: "Threat Metrics" }, o.BASE_CATEGORY_VALUES = [o.AV, o.AC, o.AT, o.PR, o.UI, o.VC, o.VI, o.VA, o.SC, o.SI, o.SA], o.SUPPLEMENTAL_CATEGORY_VALUES = [o.S, o.AU, o.R, o.V, o.RE, o.U], o.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY_VALUES = [o.MAV, o.MAC, o.MAT, o.MPR, o.MUI, o.MVC, o.MVI, o.MVA, o.MSC, o.MSI, o.MSA], o.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY_VALUES = [o.CR, o.IR, o.AR], o.THREAT_CATEGORY_VALUES = [o.E], o.REGISTERED_COMPONENTS_EDITOR_ORDER = /* @__PURE__ */ new Map(), o.REGISTERED_COMPONENTS_VECTOR_STRING_ORDER = /* @__PURE__ */ new Map(), o.REGISTERED_COMPONENTS_EDITOR_ORDER.set(o.BASE_CATEGORY, o.BASE_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_EDITOR_ORDER.set(o.SUPPLEMENTAL_CATEGORY, o.SUPPLEMENTAL_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_EDITOR_ORDER.set(o.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY, o.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_EDITOR_ORDER.set(o.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY, o.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_EDITOR_ORDER.set(o.THREAT_CATEGORY, o.THREAT_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_VECTOR_STRING_ORDER.set(o.BASE_CATEGORY, o.BASE_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_VECTOR_STRING_ORDER.set(o.THREAT_CATEGORY, o.THREAT_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_VECTOR_STRING_ORDER.set(o.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY, o.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_VECTOR_STRING_ORDER.set(o.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY, o.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY_VALUES), o.REGISTERED_COMPONENTS_VECTOR_STRING_ORDER.set(o.SUPPLEMENTAL_CATEGORY, o.SUPPLEMENTAL_CATEGORY_VALUES), o.MV_LOOKUP = { "000000": 10, "000001": 9.9, "000010": 9.8, "000011": 9.5, "000020": 9.5, "000021": 9.2, "000100": 10, "000101": 9.6, "000110": 9.3, "000111": 8.7, "000120": 9.1, "000121": 8.1, "000200": 9.3, "000201": 9, "000210": 8.9, "000211": 8, "000220": 8.1, "000221": 6.8, "001000": 9.8, "001001": 9.5, "001010": 9.5, "001011": 9.2, "001020": 9, "001021": 8.4, "001100": 9.3, "001101": 9.2, "001110": 8.9, "001111": 8.1, "001120": 8.1, "001121": 6.5, "001200": 8.8, "001201": 8, "001210": 7.8, "001211": 7, "001220": 6.9, "001221": 4.8, "002001": 9.2, "002011": 8.2, "002021": 7.2, "002101": 7.9, "002111": 6.9, "002121": 5, "002201": 6.9, "002211": 5.5, "002221": 2.7, "010000": 9.9, "010001": 9.7, "010010": 9.5, "010011": 9.2, "010020": 9.2, "010021": 8.5, "010100": 9.5, "010101": 9.1, "010110": 9, "010111": 8.3, "010120": 8.4, "010121": 7.1, "010200": 9.2, "010201": 8.1, "010210": 8.2, "010211": 7.1, "010220": 7.2, "010221": 5.3, "011000": 9.5, "011001": 9.3, "011010": 9.2, "011011": 8.5, "011020": 8.5, "011021": 7.3, "011100": 9.2, "011101": 8.2, "011110": 8, "011111": 7.2, "011120": 7, "011121": 5.9, "011200": 8.4, "011201": 7, "011210": 7.1, "011211": 5.2, "011220": 5, "011221": 3, "012001": 8.6, "012011": 7.5, "012021": 5.2, "012101": 7.1, "012111": 5.2, "012121": 2.9, "012201": 6.3, "012211": 2.9, "012221": 1.7, 1e5: 9.8, 100001: 9.5, 100010: 9.4, 100011: 8.7, 100020: 9.1, 100021: 8.1, 100100: 9.4, 100101: 8.9, 100110: 8.6, 100111: 7.4, 100120: 7.7, 100121: 6.4, 100200: 8.7, 100201: 7.5, 100210: 7.4, 100211: 6.3, 100220: 6.3, 100221: 4.9, 101e3: 9.4, 101001: 8.9, 101010: 8.8, 101011: 7.7, 101020: 7.6, 101021: 6.7, 101100: 8.6, 101101: 7.6, 101110: 7.4, 101111: 5.8, 101120: 5.9, 101121: 5, 101200: 7.2, 101201: 5.7, 101210: 5.7, 101211: 5.2, 101220: 5.2, 101221: 2.5, 102001: 8.3, 102011: 7, 102021: 5.4, 102101: 6.5, 102111: 5.8, 102121: 2.6, 102201: 5.3, 102211: 2.1, 102221: 1.3, 11e4: 9.5, 110001: 9, 110010: 8.8, 110011: 7.6, 110020: 7.6, 110021: 7, 110100: 9, 110101: 7.7, 110110: 7.5, 110111: 6.2, 110120: 6.1, 110121: 5.3, 110200: 7.7, 110201: 6.6, 110210: 6.8, 110211: 5.9, 110220: 5.2, 110221: 3, 111e3: 8.9, 111001: 7.8, 111010: 7.6, 111011: 6.7, 111020: 6.2, 111021: 5.8, 111100: 7.4, 111101: 5.9, 111110: 5.7, 111111: 5.7, 111120: 4.7, 111121: 2.3, 111200: 6.1, 111201: 5.2, 111210: 5.7, 111211: 2.9, 111220: 2.4, 111221: 1.6, 112001: 7.1, 112011: 5.9, 112021: 3, 112101: 5.8, 112111: 2.6, 112121: 1.5, 112201: 2.3, 112211: 1.3, 112221: 0.6, 2e5: 9.3, 200001: 8.7, 200010: 8.6, 200011: 7.2, 200020: 7.5, 200021: 5.8, 200100: 8.6, 200101: 7.4, 200110: 7.4, 200111: 6.1, 200120: 5.6, 200121: 3.4, 200200: 7, 200201: 5.4, 200210: 5.2, 200211: 4, 200220: 4, 200221: 2.2, 201e3: 8.5, 201001: 7.5, 201010: 7.4, 201011: 5.5, 201020: 6.2, 201021: 5.1, 201100: 7.2, 201101: 5.7, 201110: 5.5, 201111: 4.1, 201120: 4.6, 201121: 1.9, 201200: 5.3, 201201: 3.6, 201210: 3.4, 201211: 1.9, 201220: 1.9, 201221: 0.8, 202001: 6.4, 202011: 5.1, 202021: 2, 202101: 4.7, 202111: 2.1, 202121: 1.1, 202201: 2.4, 202211: 0.9, 202221: 0.4, 21e4: 8.8, 210001: 7.5, 210010: 7.3, 210011: 5.3, 210020: 6, 210021: 5, 210100: 7.3, 210101: 5.5, 210110: 5.9, 210111: 4, 210120: 4.1, 210121: 2, 210200: 5.4, 210201: 4.3, 210210: 4.5, 210211: 2.2, 210220: 2, 210221: 1.1, 211e3: 7.5, 211001: 5.5, 211010: 5.8, 211011: 4.5, 211020: 4, 211021: 2.1, 211100: 6.1, 211101: 5.1, 211110: 4.8, 211111: 1.8, 211120: 2, 211121: 0.9, 211200: 4.6, 211201: 1.8, 211210: 1.7, 211211: 0.7, 211220: 0.8, 211221: 0.2, 212001: 5.3, 212011: 2.4, 212021: 1.4, 212101: 2.4, 212111: 1.2, 212121: 0.5, 212201: 1, 212211: 0.3, 212221: 0.1 }, o.ATTRIBUTE_SEVERITY_ORDER = [[o.AT_VALUES.P, o.AT_VALUES.P], [o.AT_VALUES.N, o.AT_VALUES.N], [o.AT_VALUES.X, o.AT_VALUES.X], [o.S_VALUES.X], [o.S_VALUES.N], [o.S_VALUES.P], [o.AU_VALUES.X], [o.AU_VALUES.N], [o.AU_VALUES.Y], [o.V_VALUES.X], [o.V_VALUES.D], [o.V_VALUES.C], [o.AC_VALUES.H, o.AC_VALUES.H], [o.AC_VALUES.L, o.AC_VALUES.L], [o.AC_VALUES.X, o.AC_VALUES.X], [o.PR_VALUES.H, o.PR_VALUES.H], [o.PR_VALUES.L, o.PR_VALUES.L], [o.PR_VALUES.N, o.PR_VALUES.N], [o.PR_VALUES.X, o.PR_VALUES.X], [o.UI_VALUES.A, o.UI_VALUES.A], [o.UI_VALUES.P, o.UI_VALUES.P], [o.UI_VALUES.N, o.UI_VALUES.N], [o.UI_VALUES.X, o.UI_VALUES.X], [o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.X, o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.X, o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.X], [o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.N, o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.N, o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.N], [o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.L, o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.L, o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.L], [o.VULNERABLE_SYSTEM_CONFIDENTIALITY_BASE_VALUES.H, o.VULNERABLE_SYSTEM_INTEGRITY_BASE_VALUES.H, o.VULNERABLE_SYSTEM_AVAILABILITY_BASE_VALUES.H], [o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.X, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.X, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.X, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.X, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.X, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.X], [o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.N, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.N, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.N, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.N, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.N, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.N], [o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.L, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.L, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.L, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.L, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.L, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.L], [o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_MODIFIED_VALUES.H, o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.H, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.H, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.H, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.H, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.H], [o.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.S, o.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.S, o.SUBSEQUENT_SYSTEM_CONFIDENTIALITY_BASE_VALUES.S, o.SUBSEQUENT_SYSTEM_INTEGRITY_BASE_VALUES.S, o.SUBSEQUENT_SYSTEM_AVAILABILITY_BASE_VALUES.S], [o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.L, o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.L, o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.L], [o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.M, o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.M, o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.M], [o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.H, o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.H, o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.H], [o.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.X, o.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.X, o.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.X], [o.E_VALUES.U], [o.E_VALUES.P], [o.E_VALUES.A], [o.E_VALUES.X], [o.R_VALUES.X], [o.R_VALUES.A], [o.R_VALUES.U], [o.R_VALUES.I], [o.RE_VALUES.X], [o.RE_VALUES.L], [o.RE_VALUES.M], [o.RE_VALUES.H], [o.U_VALUES.X], [o.U_VALUES.Clear], [o.U_VALUES.Green], [o.U_VALUES.Amber], [o.U_VALUES.Red], [o.AV_VALUES.X, o.AV_VALUES.X], [o.AV_VALUES.P, o.AV_VALUES.P], [o.AV_VALUES.L, o.AV_VALUES.L], [o.AV_VALUES.A, o.AV_VALUES.A], [o.AV_VALUES.N, o.AV_VALUES.N]];
      }, 904: (e2, t2) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.EqOperations36 = t2.EqOperations5 = t2.EqOperations4 = t2.EqOperations2 = t2.EqOperations1 = t2.EqOperations1245 = t2.getEqImplementations = void 0, t2.getEqImplementations = () => [a.getInstance(), i.getInstance(), s.getInstance(), n.getInstance(), r.getInstance()];
        class o {
          deriveNextLowerMacro(e3) {
            return [e3.deriveNextLower(this.getEqNumber())];
          }
          lookupScoresForNextLowerMacro(e3) {
            return e3[0].getLookupTableScore();
          }
          getHighestSeverityVectors(e3) {
            return this.getEq(e3).getHighestSeverityVectorsUnparsed();
          }
          lookupMacroVectorDepth(e3) {
            return this.getEq(e3).getVectorDepth();
          }
        }
        t2.EqOperations1245 = o;
        class a extends o {
          getEq(e3) {
            return e3.getEq1();
          }
          getRelevantAttributes() {
            return ["AV", "PR", "UI"];
          }
          getEqNumber() {
            return 1;
          }
          static getInstance() {
            return a.instance;
          }
        }
        t2.EqOperations1 = a, a.instance = new a();
        class i extends o {
          getEq(e3) {
            return e3.getEq2();
          }
          getRelevantAttributes() {
            return ["AC", "AT"];
          }
          getEqNumber() {
            return 2;
          }
          static getInstance() {
            return i.instance;
          }
        }
        t2.EqOperations2 = i, i.instance = new i();
        class s extends o {
          getEq(e3) {
            return e3.getEq4();
          }
          getRelevantAttributes() {
            return ["SC", "SI", "SA"];
          }
          getEqNumber() {
            return 4;
          }
          static getInstance() {
            return s.instance;
          }
        }
        t2.EqOperations4 = s, s.instance = new s();
        class n extends o {
          getEq(e3) {
            return e3.getEq5();
          }
          getRelevantAttributes() {
            return [];
          }
          getEqNumber() {
            return 5;
          }
          static getInstance() {
            return n.instance;
          }
        }
        t2.EqOperations5 = n, n.instance = new n();
        class r {
          static getInstance() {
            return r.instance;
          }
          getHighestSeverityVectors(e3) {
            return e3.getJointEq3AndEq6().getHighestSeverityVectorsUnparsed();
          }
          getRelevantAttributes() {
            return ["VC", "VI", "VA", "CR", "IR", "AR"];
          }
          deriveNextLowerMacro(e3) {
            const t3 = e3.getEq3().getLevelAsInt(), o2 = e3.getEq6().getLevelAsInt();
            return 1 === t3 && 1 === o2 || 0 === t3 && 1 === o2 ? [e3.deriveNextLower(3)] : 1 === t3 && 0 === o2 ? [e3.deriveNextLower(6)] : 0 === t3 && 0 === o2 ? [e3.deriveNextLower(3), e3.deriveNextLower(6)] : [e3.deriveNextLower(3).deriveNextLower(6)];
          }
          lookupScoresForNextLowerMacro(e3) {
            let t3 = NaN, o2 = NaN;
            return e3.length > 0 && null != e3[0] && (t3 = e3[0].getLookupTableScore()), e3.length > 1 && null != e3[1] && (o2 = e3[1].getLookupTableScore()), isNaN(t3) || isNaN(o2) ? isNaN(t3) ? o2 : t3 : Math.max(t3, o2);
          }
          lookupMacroVectorDepth(e3) {
            return e3.getJointEq3AndEq6().getVectorDepth();
          }
        }
        t2.EqOperations36 = r, r.instance = new r();
      }, 951: (e2, t2) => {
        var o;
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss3P1Components = void 0;
        class a {
        }
        t2.Cvss3P1Components = a, o = a, a.CONFIDENTIALITY_IMPACT_VALUES = { X: { shortName: "X", value: 0, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no loss of confidentiality within the impacted component." }, L: { shortName: "L", value: 0.22, name: "Low", jsonSchemaName: "LOW", description: "There is some loss of confidentiality. Access to some restricted information is obtained, but the attacker does not have control over what information is obtained, or the amount or kind of loss is limited. The information disclosure does not cause a direct, serious loss to the impacted component." }, H: { shortName: "H", value: 0.56, name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of confidentiality, resulting in all resources within the impacted component being divulged to the attacker. Alternatively, access to only some restricted information is obtained, but the disclosed information presents a direct, serious impact. For example, an attacker steals the administrator's password, or private encryption keys of a web server." } }, a.CONFIDENTIALITY_IMPACT = [o.CONFIDENTIALITY_IMPACT_VALUES.X, o.CONFIDENTIALITY_IMPACT_VALUES.N, o.CONFIDENTIALITY_IMPACT_VALUES.L, o.CONFIDENTIALITY_IMPACT_VALUES.H], a.INTEGRITY_IMPACT_VALUES = { X: { shortName: "X", value: 0, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no loss of integrity within the impacted component." }, L: { shortName: "L", value: 0.22, name: "Low", jsonSchemaName: "LOW", description: "Modification of data is possible, but the attacker does not have control over the consequence of a modification, or the amount of modification is limited. The data modification does not have a direct, serious impact on the impacted component." }, H: { shortName: "H", value: 0.56, name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of integrity, or a complete loss of protection. For example, the attacker is able to modify any/all files protected by the impacted component. Alternatively, only some files can be modified, but malicious modification would present a direct, serious consequence to the impacted component." } }, a.INTEGRITY_IMPACT = [o.INTEGRITY_IMPACT_VALUES.X, o.INTEGRITY_IMPACT_VALUES.N, o.INTEGRITY_IMPACT_VALUES.L, o.INTEGRITY_IMPACT_VALUES.H], a.AVAILABILITY_IMPACT_VALUES = { X: { shortName: "X", value: 0, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0, name: "None", jsonSchemaName: "NONE", description: "There is no impact to availability within the impacted component." }, L: { shortName: "L", value: 0.22, name: "Low", jsonSchemaName: "LOW", description: "Performance is reduced or there are interruptions in resource availability. Even if repeated exploitation of the vulnerability is possible, the attacker does not have the ability to completely deny service to legitimate users. The resources in the impacted component are either partially available all of the time, or fully available only some of the time, but overall there is no direct, serious consequence to the impacted component." }, H: { shortName: "H", value: 0.56, name: "High", jsonSchemaName: "HIGH", description: "There is a total loss of availability, resulting in the attacker being able to fully deny access to resources in the impacted component; this loss is either sustained (while the attacker continues to deliver the attack) or persistent (the condition persists even after the attack has completed). Alternatively, the attacker has the ability to deny some availability, but the loss of availability presents a direct, serious consequence to the impacted component (e.g., the attacker cannot disrupt existing connections, but can prevent new connections; the attacker can repeatedly exploit a vulnerability that, in each instance of a successful attack, leaks a only small amount of memory, but after repeated exploitation causes a service to become completely unavailable)." } }, a.AVAILABILITY_IMPACT = [o.AVAILABILITY_IMPACT_VALUES.X, o.AVAILABILITY_IMPACT_VALUES.N, o.AVAILABILITY_IMPACT_VALUES.L, o.AVAILABILITY_IMPACT_VALUES.H], a.CONFIDENTIALITY_REQUIREMENT_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value indicates there is insufficient information to choose one of the other values, and has no impact on the overall Environmental Score, i.e., it has the same effect on scoring as assigning Medium." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of Confidentiality is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Confidentiality is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.5, name: "High", jsonSchemaName: "HIGH", description: "Loss of Confidentiality is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, a.CONFIDENTIALITY_REQUIREMENT = [o.CONFIDENTIALITY_REQUIREMENT_VALUES.X, o.CONFIDENTIALITY_REQUIREMENT_VALUES.L, o.CONFIDENTIALITY_REQUIREMENT_VALUES.M, o.CONFIDENTIALITY_REQUIREMENT_VALUES.H], a.INTEGRITY_REQUIREMENT_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value indicates there is insufficient information to choose one of the other values, and has no impact on the overall Environmental Score, i.e., it has the same effect on scoring as assigning Medium." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of Integrity is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Integrity is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.5, name: "High", jsonSchemaName: "HIGH", description: "Loss of Integrity is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, a.INTEGRITY_REQUIREMENT = [o.INTEGRITY_REQUIREMENT_VALUES.X, o.INTEGRITY_REQUIREMENT_VALUES.L, o.INTEGRITY_REQUIREMENT_VALUES.M, o.INTEGRITY_REQUIREMENT_VALUES.H], a.AVAILABILITY_REQUIREMENT_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Assigning this value indicates there is insufficient information to choose one of the other values, and has no impact on the overall Environmental Score, i.e., it has the same effect on scoring as assigning Medium." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "Loss of Availability is likely to have only a limited adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "Loss of Availability is likely to have a serious adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." }, H: { shortName: "H", value: 1.5, name: "High", jsonSchemaName: "HIGH", description: "Loss of Availability is likely to have a catastrophic adverse effect on the organization or individuals associated with the organization (e.g., employees, customers)." } }, a.AVAILABILITY_REQUIREMENT = [o.AVAILABILITY_REQUIREMENT_VALUES.X, o.AVAILABILITY_REQUIREMENT_VALUES.L, o.AVAILABILITY_REQUIREMENT_VALUES.M, o.AVAILABILITY_REQUIREMENT_VALUES.H], a.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, L: { shortName: "L", value: 0.5, name: "Low", jsonSchemaName: "LOW", description: "There is no impact to the integrity of the system." }, M: { shortName: "M", value: 1, name: "Medium", jsonSchemaName: "MEDIUM", description: "There is a partial compromise of system integrity." }, H: { shortName: "H", value: 1.5, name: "High", jsonSchemaName: "HIGH", description: "There is a total compromise of system integrity." } }, a.TEMPLATE_CIA_REQUIREMENT_MODIFIED = [o.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES.X, o.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES.L, o.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES.M, o.TEMPLATE_CIA_REQUIREMENT_MODIFIED_VALUES.H], a.BASE_CATEGORY = { name: "base", description: "This metric reflects the qualities of a vulnerability that are constant over time and across user environments." }, a.AV_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, name: "Network", abbreviatedName: "Netw.", jsonSchemaName: "NETWORK", description: "The vulnerable component is bound to the network stack and the set of possible attackers extends beyond the other options listed below, up to and including the entire Internet." }, A: { shortName: "A", value: 0.62, name: "Adjacent Network", abbreviatedName: "Adj. Network", jsonSchemaName: "ADJACENT_NETWORK", description: "The vulnerable component is bound to the network stack, but the attack is limited at the protocol level to a logically adjacent topology." }, L: { shortName: "L", value: 0.55, name: "Local", jsonSchemaName: "LOCAL", description: "The vulnerable component is not bound to the network stack and the attacker's path is via read/write/execute capabilities." }, P: { shortName: "P", value: 0.2, name: "Physical", abbreviatedName: "Phys.", jsonSchemaName: "PHYSICAL", description: "The attack requires the attacker to physically touch or manipulate the vulnerable component." } }, a.AV = { name: "Attack Vector", shortName: "AV", subCategory: "Exploitability Metrics", description: "This metric reflects the context by which vulnerability exploitation is possible. The more remote an attacker can be to attack a host, the greater the vulnerability score.", values: [o.AV_VALUES.X, o.AV_VALUES.N, o.AV_VALUES.A, o.AV_VALUES.L, o.AV_VALUES.P] }, a.AC_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, L: { shortName: "L", value: 0.77, name: "Low", jsonSchemaName: "LOW", description: "Specialized access conditions or extenuating circumstances do not exist. An attacker can expect repeatable success when attacking the vulnerable component." }, H: { shortName: "H", value: 0.44, name: "High", jsonSchemaName: "HIGH", description: "A successful attack depends on conditions beyond the attacker's control. That is, a successful attack cannot be accomplished at will, but requires the attacker to invest in some measurable amount of effort in preparation or execution against the vulnerable component before a successful attack can be expected." } }, a.AC = { name: "Attack Complexity", shortName: "AC", subCategory: "Exploitability Metrics", description: "This metric describes the conditions beyond the attacker's control that must exist in order to exploit the vulnerability.", values: [o.AC_VALUES.X, o.AC_VALUES.L, o.AC_VALUES.H] }, a.PR_VALUES = { X: { shortName: "X", value: 1, changedValue: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, changedValue: 0.85, name: "None", jsonSchemaName: "NONE", description: "The attacker is unauthorized prior to attack, and therefore does not require any access to settings or files of the vulnerable system to carry out an attack." }, L: { shortName: "L", value: 0.62, changedValue: 0.68, name: "Low", jsonSchemaName: "LOW", description: "The attacker requires privileges that provide basic user capabilities that could normally affect only settings and files owned by a user. Alternatively, an attacker with Low privileges has the ability to access only non-sensitive resources." }, H: { shortName: "H", value: 0.27, changedValue: 0.5, name: "High", jsonSchemaName: "HIGH", description: "The attacker requires privileges that provide significant (e.g., administrative) control over the vulnerable component allowing access to component-wide settings and files." } }, a.PR = { name: "Privileges Required", shortName: "PR", subCategory: "Exploitability Metrics", description: "This metric describes the level of privileges an attacker must possess before successfully exploiting the vulnerability.", values: [o.PR_VALUES.X, o.PR_VALUES.N, o.PR_VALUES.L, o.PR_VALUES.H] }, a.UI_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, name: "None", jsonSchemaName: "NONE", description: "The vulnerable system can be exploited without interaction from any user." }, R: { shortName: "R", value: 0.62, name: "Required", abbreviatedName: "Req.", jsonSchemaName: "REQUIRED", description: "Successful exploitation of this vulnerability requires a user to take some action before the vulnerability can be exploited. For example, a successful exploit may only be possible during the installation of an application by a system administrator." } }, a.UI = { name: "User Interaction", shortName: "UI", subCategory: "Exploitability Metrics", description: "This metric captures the requirement for a user, other than the attacker, to participate in the successful compromise of the vulnerable component.", values: [o.UI_VALUES.X, o.UI_VALUES.N, o.UI_VALUES.R] }, a.S_VALUES = { X: { shortName: "X", value: false, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, U: { shortName: "U", value: false, name: "Unchanged", abbreviatedName: "Unchang.", jsonSchemaName: "UNCHANGED", description: "An exploited vulnerability can only affect resources managed by the same authority." }, C: { shortName: "C", value: true, name: "Changed", jsonSchemaName: "CHANGED", description: "An exploited vulnerability can affect resources beyond the authorization privileges intended by the vulnerable system's design." } }, a.S = { name: "Scope", shortName: "S", subCategory: "Exploitability Metrics", description: "Can an exploit of the vulnerability be accomplished remotely?", values: [o.S_VALUES.X, o.S_VALUES.U, o.S_VALUES.C] }, a.C = { name: "Confidentiality Impact", shortName: "C", subCategory: "Impact Metrics", description: "This metric measures the impact to the confidentiality of the information resources managed by a software component due to a successfully exploited vulnerability.", values: o.CONFIDENTIALITY_IMPACT }, a.I = { name: "Integrity Impact", shortName: "I", subCategory: "Impact Metrics", description: "This metric measures the impact to integrity of a successfully exploited vulnerability.", values: o.INTEGRITY_IMPACT }, a.A = { name: "Availability Impact", shortName: "A", subCategory: "Impact Metrics", description: "This metric measures the impact to the availability of the impacted component resulting from a successfully exploited vulnerability.", values: o.AVAILABILITY_IMPACT }, a.BASE_CATEGORY_VALUES = [o.AV, o.AC, o.PR, o.UI, o.S, o.C, o.I, o.A], a.TEMPORAL_CATEGORY = { name: "temporal", description: "This metric reflects the current state of exploit techniques or code availability." }, a.E_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, U: { shortName: "U", value: 0.91, name: "Unproven", abbreviatedName: "Unproven", description: "No exploit code is available, or an exploit is theoretical." }, P: { shortName: "P", value: 0.94, name: "Proof-of-Concept", abbreviatedName: "Proof-of-conc.", jsonSchemaName: "PROOF_OF_CONCEPT", description: "Proof-of-concept exploit code is available, or an attack demonstration is not practical for most systems. The code or technique is not functional in all situations and may require substantial modification by a skilled attacker." }, F: { shortName: "F", value: 0.97, name: "Functional", jsonSchemaName: "FUNCTIONAL", description: "Functional exploit code is available. The code works in most situations where the vulnerability exists." }, H: { shortName: "H", value: 1, name: "High", jsonSchemaName: "HIGH", description: "Functional exploit code is available. The code is widespread and automated and works in all situations where the vulnerability exists." } }, a.E = { name: "Exploit Code Maturity", shortName: "E", description: "This metric measures the likelihood of the vulnerability being attacked, and is typically based on the current state of exploit techniques, exploit code availability, or active, successful exploitation of the vulnerability.", values: [o.E_VALUES.X, o.E_VALUES.U, o.E_VALUES.P, o.E_VALUES.F, o.E_VALUES.H] }, a.RL_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, O: { shortName: "O", value: 0.95, name: "Official Fix", abbreviatedName: "Off. Fix", jsonSchemaName: "OFFICIAL_FIX", description: "A complete vendor solution is available. Either the vendor has issued an official patch, or an upgrade is available." }, T: { shortName: "T", value: 0.96, name: "Temporary Fix", abbreviatedName: "Temp. Fix", jsonSchemaName: "TEMPORARY_FIX", description: "There is an official but temporary fix available. This includes instances where the vendor issues a temporary hotfix, tool, or workaround." }, W: { shortName: "W", value: 0.97, name: "Workaround", jsonSchemaName: "WORKAROUND", description: "There is an unofficial, non-vendor solution available. In some cases, users of the affected technology will create a patch of their own or provide steps to work around or otherwise mitigate the vulnerability." }, U: { shortName: "U", value: 1, name: "Unavailable", jsonSchemaName: "UNAVAILABLE", description: "There is either no solution available or it is impossible to apply." } }, a.RL = { name: "Remediation Level", shortName: "RL", description: "This metric describes the remediation level for a vulnerability in an affected resource.", values: [o.RL_VALUES.X, o.RL_VALUES.O, o.RL_VALUES.T, o.RL_VALUES.W, o.RL_VALUES.U] }, a.RC_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, U: { shortName: "U", value: 0.92, name: "Unknown", description: "Report confidence is unknown." }, R: { shortName: "R", value: 0.96, name: "Reasonable", jsonSchemaName: "REASONABLE", description: "Reasonable confidence exists, or the reported vulnerability is in a component not typically used by a target or not having a large installed base." }, C: { shortName: "C", value: 1, name: "Confirmed", jsonSchemaName: "CONFIRMED", description: "Confirmed confidence exists, or the exploit is functional in the environment where the vulnerability exists." } }, a.RC = { name: "Report Confidence", shortName: "RC", description: "This metric describes the level of confidence in the existence of the vulnerability and the credibility of the known technical details.", values: [o.RC_VALUES.X, o.RC_VALUES.U, o.RC_VALUES.R, o.RC_VALUES.C] }, a.TEMPORAL_CATEGORY_VALUES = [o.E, o.RL, o.RC], a.ENVIRONMENTAL_CATEGORY = { name: "environmental", description: "This metric reflects the characteristics of a vulnerability that are relevant and unique to a particular user's environment. This metric can greatly improve the accuracy of a score." }, a.MAV_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, name: "Network", abbreviatedName: "Netw.", jsonSchemaName: "NETWORK", description: "The vulnerable component is bound to the network stack and the set of possible attackers extends beyond the other options listed below, up to and including the entire Internet." }, A: { shortName: "A", value: 0.62, name: "Adjacent Network", abbreviatedName: "Adj. Network", jsonSchemaName: "ADJACENT_NETWORK", description: "The vulnerable component is bound to the network stack, but the attack is limited at the protocol level to a logically adjacent topology." }, L: { shortName: "L", value: 0.55, name: "Local", jsonSchemaName: "LOCAL", description: "The vulnerable component is not bound to the network stack and the attacker's path is via read/write/execute capabilities." }, P: { shortName: "P", value: 0.2, name: "Physical", abbreviatedName: "Phys.", jsonSchemaName: "PHYSICAL", description: "The attack requires the attacker to physically touch or manipulate the vulnerable component." } }, a.MAV = { name: "Modified Attack Vector", shortName: "MAV", subCategory: "Exploitability Metrics", description: "This metric reflects the context by which vulnerability exploitation is possible. The more remote an attacker can be to attack a host, the greater the vulnerability score.", baseMetricEquivalent: o.AV, values: [o.MAV_VALUES.X, o.MAV_VALUES.N, o.MAV_VALUES.A, o.MAV_VALUES.L, o.MAV_VALUES.P] }, a.MAC_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, L: { shortName: "L", value: 0.77, name: "Low", jsonSchemaName: "LOW", description: "Specialized access conditions or extenuating circumstances do not exist. An attacker can expect repeatable success when attacking the vulnerable component." }, H: { shortName: "H", value: 0.44, name: "High", jsonSchemaName: "HIGH", description: "A successful attack depends on conditions beyond the attacker's control. That is, a successful attack cannot be accomplished at will, but requires the attacker to invest in some measurable amount of effort in preparation or execution against the vulnerable component before a successful attack can be expected." } }, a.MAC = { name: "Modified Attack Complexity", shortName: "MAC", subCategory: "Exploitability Metrics", description: "This metric describes the conditions beyond the attacker's control that must exist in order to exploit the vulnerability.", baseMetricEquivalent: o.AC, values: [o.MAC_VALUES.X, o.MAC_VALUES.L, o.MAC_VALUES.H] }, a.MPR_VALUES = { X: { shortName: "X", value: 1, changedValue: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, changedValue: 0.85, name: "None", jsonSchemaName: "NONE", description: "The attacker is unauthorized prior to attack, and therefore does not require any access to settings or files of the vulnerable system to carry out an attack." }, L: { shortName: "L", value: 0.62, changedValue: 0.68, name: "Low", jsonSchemaName: "LOW", description: "The attacker requires privileges that provide basic user capabilities that could normally affect only settings and files owned by a user. Alternatively, an attacker with Low privileges has the ability to access only non-sensitive resources." }, H: { shortName: "H", value: 0.27, changedValue: 0.5, name: "High", jsonSchemaName: "HIGH", description: "The attacker requires privileges that provide significant (e.g., administrative) control over the vulnerable component allowing access to component-wide settings and files." } }, a.MPR = { name: "Modified Privileges Required", shortName: "MPR", subCategory: "Exploitability Metrics", description: "This metric describes the level of privileges an attacker must possess before successfully exploiting the vulnerability.", baseMetricEquivalent: o.PR, values: [o.MPR_VALUES.X, o.MPR_VALUES.N, o.MPR_VALUES.L, o.MPR_VALUES.H] }, a.MUI_VALUES = { X: { shortName: "X", value: 1, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, N: { shortName: "N", value: 0.85, name: "None", jsonSchemaName: "NONE", description: "The vulnerable system can be exploited without interaction from any user." }, R: { shortName: "R", value: 0.62, name: "Required", jsonSchemaName: "REQUIRED", description: "Successful exploitation of this vulnerability requires a user to take some action before the vulnerability can be exploited. For example, a successful exploit may only be possible during the installation of an application by a system administrator." } }, a.MUI = { name: "Modified User Interaction", shortName: "MUI", subCategory: "Exploitability Metrics", description: "This metric captures the requirement for a user, other than the attacker, to participate in the successful compromise of the vulnerable component.", baseMetricEquivalent: o.UI, values: [o.MUI_VALUES.X, o.MUI_VALUES.N, o.MUI_VALUES.R] }, a.MS_VALUES = { X: { shortName: "X", value: false, name: "Not Defined", abbreviatedName: "Not Def.", jsonSchemaName: "NOT_DEFINED", description: "Component is not defined." }, U: { shortName: "U", value: false, name: "Unchanged", abbreviatedName: "Unchang.", jsonSchemaName: "UNCHANGED", description: "An exploited vulnerability can only affect resources managed by the same authority." }, C: { shortName: "C", value: true, name: "Changed", jsonSchemaName: "CHANGED", description: "An exploited vulnerability can affect resources beyond the authorization privileges intended by the vulnerable system's design." } }, a.MS = { name: "Modified Scope", shortName: "MS", subCategory: "Exploitability Metrics", description: "Can an exploit of the vulnerability be accomplished remotely?", baseMetricEquivalent: o.S, values: [o.MS_VALUES.X, o.MS_VALUES.U, o.MS_VALUES.C] }, a.MC = { name: "Confidentiality Impact", shortName: "MC", subCategory: "Modified Impact", description: "This metric measures the impact to the confidentiality of the information resources managed by a software component due to a successfully exploited vulnerability.", baseMetricEquivalent: o.C, values: o.CONFIDENTIALITY_IMPACT }, a.MI = { name: "Integrity Impact", shortName: "MI", subCategory: "Modified Impact", description: "This metric measures the impact to integrity of a successfully exploited vulnerability.", baseMetricEquivalent: o.I, values: o.INTEGRITY_IMPACT }, a.MA = { name: "Availability Impact", shortName: "MA", subCategory: "Modified Impact", description: "This metric measures the impact to the availability of the impacted component resulting from a successfully exploited vulnerability.", baseMetricEquivalent: o.A, values: o.AVAILABILITY_IMPACT }, a.CR = { name: "Confidentiality Requirement", shortName: "CR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: "This metric describes the remediation level for a vulnerability in an affected resource.", values: o.CONFIDENTIALITY_REQUIREMENT }, a.IR = { name: "Integrity Requirement", shortName: "IR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: "This metric describes the remediation level for a vulnerability in an affected resource.", values: o.INTEGRITY_REQUIREMENT }, a.AR = { name: "Availability Requirement", shortName: "AR", subCategory: "Modified Requirement (Impact Subscore) Modifiers", description: "This metric describes the remediation level for a vulnerability in an affected resource.", values: o.AVAILABILITY_REQUIREMENT }, a.ENVIRONMENTAL_CATEGORY_VALUES = [o.CR, o.IR, o.AR, o.MAV, o.MAC, o.MPR, o.MUI, o.MS, o.MC, o.MI, o.MA], a.REGISTERED_COMPONENTS = /* @__PURE__ */ new Map(), o.REGISTERED_COMPONENTS.set(o.BASE_CATEGORY, o.BASE_CATEGORY_VALUES), o.REGISTERED_COMPONENTS.set(o.TEMPORAL_CATEGORY, o.TEMPORAL_CATEGORY_VALUES), o.REGISTERED_COMPONENTS.set(o.ENVIRONMENTAL_CATEGORY, o.ENVIRONMENTAL_CATEGORY_VALUES), a.ATTRIBUTE_SEVERITY_ORDER = [[o.S_VALUES.U, o.MS_VALUES.U], [o.CONFIDENTIALITY_IMPACT_VALUES.N, o.INTEGRITY_IMPACT_VALUES.N, o.AVAILABILITY_IMPACT_VALUES.N], [o.AV_VALUES.P, o.MAV_VALUES.P], [o.CONFIDENTIALITY_IMPACT_VALUES.L, o.INTEGRITY_IMPACT_VALUES.L, o.AVAILABILITY_IMPACT_VALUES.L], [o.PR_VALUES.H, o.MPR_VALUES.H], [o.AC_VALUES.H, o.MAC_VALUES.H], [o.CONFIDENTIALITY_REQUIREMENT_VALUES.L, o.INTEGRITY_REQUIREMENT_VALUES.L, o.AVAILABILITY_REQUIREMENT_VALUES.L], [o.AV_VALUES.L, o.MAV_VALUES.L], [o.CONFIDENTIALITY_IMPACT_VALUES.H, o.INTEGRITY_IMPACT_VALUES.H, o.AVAILABILITY_IMPACT_VALUES.H], [o.AV_VALUES.A, o.MAV_VALUES.A], [o.UI_VALUES.R, o.MUI_VALUES.R], [o.PR_VALUES.L, o.MPR_VALUES.L], [o.AC_VALUES.L, o.MAC_VALUES.L], [o.AV_VALUES.N, o.MAV_VALUES.N], [o.PR_VALUES.N, o.MPR_VALUES.N], [o.UI_VALUES.N, o.MUI_VALUES.N], [o.E_VALUES.U], [o.E_VALUES.P], [o.E_VALUES.F], [o.E_VALUES.H], [o.E_VALUES.X], [o.RC_VALUES.U], [o.RL_VALUES.O], [o.RL_VALUES.T], [o.RC_VALUES.R], [o.RL_VALUES.W], [o.AV_VALUES.X, o.MAV_VALUES.X], [o.AC_VALUES.X, o.MAC_VALUES.X], [o.PR_VALUES.X, o.MPR_VALUES.X], [o.UI_VALUES.X, o.MUI_VALUES.X], [o.S_VALUES.C, o.MS_VALUES.C], [o.S_VALUES.X, o.MS_VALUES.X], [o.CONFIDENTIALITY_IMPACT_VALUES.X], [o.INTEGRITY_IMPACT_VALUES.X], [o.AVAILABILITY_IMPACT_VALUES.X], [o.RL_VALUES.U], [o.RL_VALUES.X], [o.RC_VALUES.C], [o.RC_VALUES.X], [o.CONFIDENTIALITY_REQUIREMENT_VALUES.M, o.INTEGRITY_REQUIREMENT_VALUES.M, o.AVAILABILITY_REQUIREMENT_VALUES.M], [o.CONFIDENTIALITY_REQUIREMENT_VALUES.X, o.INTEGRITY_REQUIREMENT_VALUES.X, o.AVAILABILITY_REQUIREMENT_VALUES.X], [o.CONFIDENTIALITY_REQUIREMENT_VALUES.H, o.INTEGRITY_REQUIREMENT_VALUES.H, o.AVAILABILITY_REQUIREMENT_VALUES.H]];
      }, 972: (e2, t2, o) => {
        var a;
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss4P0MacroVector = void 0;
        const i = o(730), s = o(759);
        class n {
          constructor(e3, t3, o2, a2, i2, s2, n2) {
            this.eq1 = e3, this.eq2 = t3, this.eq3 = o2, this.eq4 = a2, this.eq5 = i2, this.eq6 = s2, this.jointEq3AndEq6 = n2;
          }
          static fromVector(e3) {
            const t3 = a.findMatchingEQ("1", a.EQ1_DEFINITIONS, e3), o2 = a.findMatchingEQ("2", a.EQ2_DEFINITIONS, e3), i2 = a.findMatchingEQ("3", a.EQ3_DEFINITIONS, e3), s2 = a.findMatchingEQ("4", a.EQ4_DEFINITIONS, e3), n2 = a.findMatchingEQ("5", a.EQ5_DEFINITIONS, e3), r = a.findMatchingEQ("6", a.EQ6_DEFINITIONS, e3), c = a.findMatchingEQ("3,6", a.JOINT_EQ3_EQ6_DEFINITIONS, e3);
            return new a(t3, o2, i2, s2, n2, r, c);
          }
          static findMatchingEQ(e3, t3, o2) {
            for (let e4 of t3) if (e4.matchesConstraints(o2)) return e4;
            throw new Error("No matching EQ found for " + e3 + " and vector " + o2);
          }
          getEq1() {
            return this.eq1;
          }
          getEq2() {
            return this.eq2;
          }
          getEq3() {
            return this.eq3;
          }
          getEq4() {
            return this.eq4;
          }
          getEq5() {
            return this.eq5;
          }
          getEq6() {
            return this.eq6;
          }
          getJointEq3AndEq6() {
            return this.jointEq3AndEq6;
          }
          getEQ(e3) {
            switch (e3) {
              case 1:
                return this.eq1;
              case 2:
                return this.eq2;
              case 3:
                return this.eq3;
              case 4:
                return this.eq4;
              case 5:
                return this.eq5;
              case 6:
                return this.eq6;
              case 7:
                return this.jointEq3AndEq6;
              default:
                throw new Error("Invalid EQ index: " + e3);
            }
          }
          getLookupTableScore() {
            return a.getMacroVectorScore(this);
          }
          static getMacroVectorScore(e3) {
            const t3 = e3.toString(), o2 = s.Cvss4P0Components.MV_LOOKUP[t3];
            return void 0 === o2 ? NaN : o2;
          }
          toString() {
            return this.eq1.getLevel() + this.eq2.getLevel() + this.eq3.getLevel() + this.eq4.getLevel() + this.eq5.getLevel() + this.eq6.getLevel();
          }
          deriveNextLower(e3) {
            const t3 = 1 !== e3 ? this.eq1 : this.getNextLower(a.EQ1_DEFINITIONS, this.eq1), o2 = 2 !== e3 ? this.eq2 : this.getNextLower(a.EQ2_DEFINITIONS, this.eq2), i2 = 3 !== e3 ? this.eq3 : this.getNextLower(a.EQ3_DEFINITIONS, this.eq3), s2 = 4 !== e3 ? this.eq4 : this.getNextLower(a.EQ4_DEFINITIONS, this.eq4), n2 = 5 !== e3 ? this.eq5 : this.getNextLower(a.EQ5_DEFINITIONS, this.eq5), r = 6 !== e3 ? this.eq6 : this.getNextLower(a.EQ6_DEFINITIONS, this.eq6), c = 7 !== e3 ? this.jointEq3AndEq6 : this.getNextLower(a.JOINT_EQ3_EQ6_DEFINITIONS, this.jointEq3AndEq6);
            return new a(t3, o2, i2, s2, n2, r, c);
          }
          static getIndexInDefinitions(e3, t3) {
            for (let o2 = 0; o2 < e3.length; o2++) if (e3[o2] === t3) return o2;
            throw new Error("EQ not found in definitions: " + t3);
          }
          getNextLower(e3, t3) {
            const o2 = a.getIndexInDefinitions(e3, t3);
            return e3.length > o2 + 1 ? e3[o2 + 1] : a.EQ_ERROR_DEFINITION;
          }
          static is(e3, t3, o2) {
            return o2 === a.getComparisonMetric(e3, t3).shortName;
          }
          static getComparisonMetricComponent(e3, t3) {
            return a.getComparisonMetric(e3, t3.shortName);
          }
          static getComparisonMetric(e3, t3) {
            const o2 = e3.getComponentByString(t3);
            if ("E" === t3 && s.Cvss4P0Components.E_VALUES.X === o2) return s.Cvss4P0Components.E_VALUES.A;
            if ("CR" === t3 && s.Cvss4P0Components.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.X === o2) return s.Cvss4P0Components.REQUIREMENT_CONFIDENTIALITY_MODIFIED_VALUES.H;
            if ("IR" === t3 && s.Cvss4P0Components.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.X === o2) return s.Cvss4P0Components.REQUIREMENT_INTEGRITY_MODIFIED_VALUES.H;
            if ("AR" === t3 && s.Cvss4P0Components.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.X === o2) return s.Cvss4P0Components.REQUIREMENT_AVAILABILITY_MODIFIED_VALUES.H;
            if ("MSI" === t3 && s.Cvss4P0Components.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.X === o2 && "S" === e3.getComponentByString("SI").shortName) return s.Cvss4P0Components.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.H;
            if ("MSA" === t3 && s.Cvss4P0Components.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.X === o2 && "S" === e3.getComponentByString("SA").shortName) return s.Cvss4P0Components.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.H;
            try {
              const o3 = e3.getComponentByString((t3.startsWith("M") ? "" : "M") + t3), a2 = o3.shortName;
              if (null != a2 && "X" !== a2) return o3;
            } catch (e4) {
            }
            return o2;
          }
        }
        t2.Cvss4P0MacroVector = n, a = n, n.EQ_ERROR_DEFINITION = new i.EQ("9", -1, [], (() => true)), n.EQ1_DEFINITIONS = [new i.EQ("0", 1, ["AV:N/PR:N/UI:N"], ((e3) => a.is(e3, "AV", "N") && a.is(e3, "PR", "N") && a.is(e3, "UI", "N"))), new i.EQ("1", 4, ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"], ((e3) => (a.is(e3, "AV", "N") || a.is(e3, "PR", "N") || a.is(e3, "UI", "N")) && !(a.is(e3, "AV", "N") && a.is(e3, "PR", "N") && a.is(e3, "UI", "N")) && !a.is(e3, "AV", "P"))), new i.EQ("2", 5, ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"], ((e3) => a.is(e3, "AV", "P") || !(a.is(e3, "AV", "N") || a.is(e3, "PR", "N") || a.is(e3, "UI", "N"))))], n.EQ2_DEFINITIONS = [new i.EQ("0", 1, ["AC:L/AT:N"], ((e3) => a.is(e3, "AC", "L") && a.is(e3, "AT", "N"))), new i.EQ("1", 2, ["AC:H/AT:N", "AC:L/AT:P"], ((e3) => !(a.is(e3, "AC", "L") && a.is(e3, "AT", "N"))))], n.EQ3_DEFINITIONS = [new i.EQ("0", -1, ["VC:H/VI:H/VA:H"], ((e3) => a.is(e3, "VC", "H") && a.is(e3, "VI", "H"))), new i.EQ("1", -1, ["VC:L/VI:H/VA:H", "VC:H/VI:L/VA:H"], ((e3) => !(a.is(e3, "VC", "H") && a.is(e3, "VI", "H")) && (a.is(e3, "VC", "H") || a.is(e3, "VI", "H") || a.is(e3, "VA", "H")))), new i.EQ("2", -1, ["VC:L/VI:L/VA:L"], ((e3) => !(a.is(e3, "VC", "H") || a.is(e3, "VI", "H") || a.is(e3, "VA", "H"))))], n.EQ4_DEFINITIONS = [new i.EQ("0", 6, ["SC:H/SI:S/SA:S"], ((e3) => a.is(e3, "MSI", "S") || a.is(e3, "MSA", "S"))), new i.EQ("1", 5, ["SC:H/SI:H/SA:H"], ((e3) => !(a.is(e3, "MSI", "S") && a.is(e3, "MSA", "S")) && (a.is(e3, "SC", "H") || a.is(e3, "SI", "H") || a.is(e3, "SA", "H")))), new i.EQ("2", 4, ["SC:L/SI:L/SA:L"], ((e3) => !(a.is(e3, "MSI", "S") && a.is(e3, "MSA", "S") || a.is(e3, "SC", "H") || a.is(e3, "SI", "H") || a.is(e3, "SA", "H"))))], n.EQ5_DEFINITIONS = [new i.EQ("0", 1, ["E:A"], ((e3) => a.is(e3, "E", "A"))), new i.EQ("1", 1, ["E:P"], ((e3) => a.is(e3, "E", "P"))), new i.EQ("2", 1, ["E:U"], ((e3) => a.is(e3, "E", "U")))], n.EQ6_DEFINITIONS = [new i.EQ("0", -1, ["AV:N/PR:N/UI:N"], ((e3) => a.is(e3, "CR", "H") && a.is(e3, "VC", "H") || a.is(e3, "IR", "H") && a.is(e3, "VI", "H") || a.is(e3, "AR", "H") && a.is(e3, "VA", "H"))), new i.EQ("1", -1, ["VC:H/VI:H/VA:H/CR:M/IR:M/AR:M", "VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M", "VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"], ((e3) => !(a.is(e3, "CR", "H") && a.is(e3, "VC", "H") || a.is(e3, "IR", "H") && a.is(e3, "VI", "H") || a.is(e3, "AR", "H") && a.is(e3, "VA", "H"))))], n.JOINT_EQ3_EQ6_DEFINITIONS = [new i.EQ("00", 7, ["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"], ((e3) => a.is(e3, "VC", "H") && a.is(e3, "VI", "H") && (a.is(e3, "CR", "H") || a.is(e3, "IR", "H") || a.is(e3, "AR", "H") && a.is(e3, "VA", "H")))), new i.EQ("01", 6, ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"], ((e3) => a.is(e3, "VC", "H") && a.is(e3, "VI", "H") && !(a.is(e3, "CR", "H") || a.is(e3, "IR", "H")) && !(a.is(e3, "AR", "H") && a.is(e3, "VA", "H")))), new i.EQ("10", 8, ["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"], ((e3) => !(a.is(e3, "VC", "H") && a.is(e3, "VI", "H")) && (a.is(e3, "VC", "H") || a.is(e3, "VI", "H") || a.is(e3, "VA", "H")) && (a.is(e3, "CR", "H") && a.is(e3, "VC", "H") || a.is(e3, "IR", "H") && a.is(e3, "VI", "H") || a.is(e3, "AR", "H") && a.is(e3, "VA", "H")))), new i.EQ("11", 8, ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"], ((e3) => !(a.is(e3, "VC", "H") && a.is(e3, "VI", "H")) && (a.is(e3, "VC", "H") || a.is(e3, "VI", "H") || a.is(e3, "VA", "H")) && !(a.is(e3, "CR", "H") && a.is(e3, "VC", "H")) && !(a.is(e3, "IR", "H") && a.is(e3, "VI", "H")) && !(a.is(e3, "AR", "H") && a.is(e3, "VA", "H")))), new i.EQ("20", 0, [], ((e3) => false)), new i.EQ("21", 10, ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"], ((e3) => !(a.is(e3, "VC", "H") || a.is(e3, "VI", "H") || a.is(e3, "VA", "H") || a.is(e3, "CR", "H") && a.is(e3, "VC", "H") || a.is(e3, "IR", "H") && a.is(e3, "VI", "H") || a.is(e3, "AR", "H") && a.is(e3, "VA", "H"))))];
      }, 987: (e2, t2, o) => {
        Object.defineProperty(t2, "__esModule", { value: true }), t2.Cvss4P0 = void 0;
        const a = o(154), i = o(972), s = o(904), n = o(759), r = o(730), c = o(951);
        class l extends a.CvssVector {
          constructor(e3) {
            super(e3), this.ROUNDING_EPSILON = Math.pow(10, -6);
          }
          getRegisteredComponents() {
            return n.Cvss4P0Components.REGISTERED_COMPONENTS_EDITOR_ORDER;
          }
          getVectorStringOrderProperties() {
            return n.Cvss4P0Components.REGISTERED_COMPONENTS_VECTOR_STRING_ORDER;
          }
          getVectorPrefix() {
            return "CVSS:4.0/";
          }
          getVectorName() {
            return "CVSS:4.0";
          }
          fillAverageVector() {
            this.applyVector("AV:A/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L");
          }
          fillRandomBaseVector() {
            const e3 = n.Cvss4P0Components.BASE_CATEGORY_VALUES;
            for (let t3 = 0; t3 < e3.length; t3++) {
              const o2 = e3[t3], a2 = super.pickRandomDefinedComponentValue(o2);
              if (!a2) return console.warn("Failed to pick random vector component for", o2, ", filling average vector instead"), void this.fillAverageVector();
              this.applyComponent(o2, a2);
            }
          }
          calculateScoresInternal(e3 = false) {
            const t3 = this.isAnyEnvironmentalDefined(), o2 = this.isAnyThreatDefined(), a2 = this.calculateOverallScore();
            let i2, s2, r2;
            if (t3 || o2) {
              const e4 = this.clone();
              e4.clearSpecifiedComponents(n.Cvss4P0Components.THREAT_CATEGORY_VALUES), e4.clearSpecifiedComponents(n.Cvss4P0Components.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY_VALUES), e4.clearSpecifiedComponents(n.Cvss4P0Components.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY_VALUES), i2 = e4.calculateOverallScore();
            } else i2 = a2;
            if (t3) if (o2) {
              const e4 = this.clone();
              e4.clearSpecifiedComponents(n.Cvss4P0Components.THREAT_CATEGORY_VALUES), s2 = e4.calculateOverallScore();
            } else s2 = a2;
            if (o2) if (t3) {
              const e4 = this.clone();
              e4.clearSpecifiedComponents(n.Cvss4P0Components.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY_VALUES), e4.clearSpecifiedComponents(n.Cvss4P0Components.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY_VALUES), r2 = e4.calculateOverallScore();
            } else r2 = a2;
            return { normalized: e3, overall: a2, base: a2, baseMetricsOnly: i2, environmental: s2, threat: r2, vector: this.toString() };
          }
          toString(e3 = false, t3 = this.getVectorStringOrderProperties(), o2 = false) {
            return super.toString(e3, t3, o2);
          }
          calculateOverallScore() {
            if (!this.isBaseFullyDefined()) return 0;
            if (["VC", "VI", "VA", "SC", "SI", "SA"].map(((e4) => i.Cvss4P0MacroVector.getComparisonMetric(this, e4))).every(((e4) => "N" === e4.shortName))) return 0;
            const e3 = this.getMacroVector(), t3 = e3.getLookupTableScore(), o2 = (0, s.getEqImplementations)();
            (e3.getEq3().getLevel() + e3.getEq6().getLevel()).toLowerCase() !== e3.getJointEq3AndEq6().getLevel().toLowerCase() && console.warn(`CVSS 4.0: Joint Eq3 and Eq6 level [${e3.getJointEq3AndEq6().getLevel()}] does not match Eq3 [${e3.getEq3().getLevel()}] and Eq6 [${e3.getEq6().getLevel()}]`);
            const a2 = o2.map(((t4) => t4.getHighestSeverityVectors(e3))), n2 = this.generateCvssPermutations(a2[0], a2[1], a2[2], a2[3], a2[4]);
            if (0 === n2.length) return console.warn(`No max vectors found for ${e3}`), 0;
            const r2 = this.calculateSeverityDistancesByComparingToHighestSeverityVectors(n2), c2 = new m();
            for (const a3 of o2) {
              const o3 = a3.deriveNextLowerMacro(e3), i2 = t3 - a3.lookupScoresForNextLowerMacro(o3), s2 = a3.lookupMacroVectorDepth(e3), n3 = a3.getRelevantAttributes().map(((e4) => r2.get(e4) || 0)).reduce(((e4, t4) => e4 + t4), 0);
              if (!isNaN(i2) && 0 !== s2) {
                const e4 = n3 / s2 * i2;
                c2.add(e4);
              }
            }
            const l2 = t3 - c2.get(0);
            return l2 < 0 ? 0 : l2 > 10 ? 10 : this.roundToDecimalPlaces(l2);
          }
          roundToDecimalPlaces(e3) {
            return Math.round(10 * (e3 + this.ROUNDING_EPSILON)) / 10;
          }
          generateCvssPermutations(e3, t3, o2, a2, i2) {
            const s2 = [];
            return e3.forEach(((e4) => {
              t3.forEach(((t4) => {
                o2.forEach(((o3) => {
                  a2.forEach(((a3) => {
                    i2.forEach(((i3) => {
                      const n2 = `${e4}/${t4}/${o3}/${a3}/${i3}`;
                      s2.push(new l(n2));
                    }));
                  }));
                }));
              }));
            })), s2;
          }
          severityDistance(e3, t3, o2, a2) {
            const i2 = "X" === t3.shortName ? void 0 === e3.worseCaseValue ? t3 : e3.worseCaseValue : t3, s2 = "X" === a2.shortName ? void 0 === o2.worseCaseValue ? a2 : o2.worseCaseValue : a2;
            let n2, r2, c2, l2;
            if (e3 !== o2) {
              const t4 = e3.name.startsWith("Modified"), a3 = o2.name.startsWith("Modified");
              if (t4 && !a3) {
                const t5 = e3.values.find(((e4) => e4.shortName === s2.shortName));
                if (!t5) throw new Error("Cannot find modified value for " + s2);
                r2 = i2, l2 = t5, n2 = e3, c2 = e3;
              } else {
                if (t4 || !a3) return console.warn(`Cannot compute severity distance for [${i2}] and [${s2}], assuming distance is 0`), 0;
                {
                  const e4 = o2.values.find(((e5) => e5.shortName === i2.shortName));
                  if (!e4) throw new Error("Cannot find modified value for " + i2);
                  r2 = e4, l2 = s2, n2 = o2, c2 = o2;
                }
              }
            } else r2 = i2, l2 = s2, n2 = e3, c2 = o2;
            return n2.values.indexOf(r2) - c2.values.indexOf(l2);
          }
          severityDistanceBetweenComponents(e3, t3, o2, a2) {
            const i2 = e3.values.find(((e4) => e4.shortName === t3.shortName)), s2 = o2.values.find(((e4) => e4.shortName === a2.shortName));
            if (!i2) throw new Error(`Cannot find component values for ${e3.name} with short name ${t3.shortName} in ${e3.values.map(((e4) => e4.shortName)).join(", ")}`);
            if (!s2) throw new Error(`Cannot find component values for ${o2.name} with short name ${a2.shortName} in ${o2.values.map(((e4) => e4.shortName)).join(", ")}`);
            return e3.values.indexOf(i2) - o2.values.indexOf(s2);
          }
          severityDistanceToVector(e3) {
            let t3 = 0;
            return n.Cvss4P0Components.REGISTERED_COMPONENTS_EDITOR_ORDER.forEach(((o2) => {
              o2.forEach(((o3) => {
                const a2 = this.getComponent(o3), i2 = e3.getComponent(o3);
                t3 += this.severityDistanceBetweenComponents(o3, a2, o3, i2);
              }));
            })), t3;
          }
          calculateSeverityDistancesByComparingToHighestSeverityVectors(e3) {
            const t3 = /* @__PURE__ */ new Map();
            for (const o2 of e3) {
              t3.set("AV", this.severityDistanceBetweenComponents(n.Cvss4P0Components.AV, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.AV), n.Cvss4P0Components.AV, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.AV))), t3.set("PR", this.severityDistanceBetweenComponents(n.Cvss4P0Components.PR, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.PR), n.Cvss4P0Components.PR, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.PR))), t3.set("UI", this.severityDistanceBetweenComponents(n.Cvss4P0Components.UI, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.UI), n.Cvss4P0Components.UI, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.UI))), t3.set("AC", this.severityDistanceBetweenComponents(n.Cvss4P0Components.AC, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.AC), n.Cvss4P0Components.AC, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.AC))), t3.set("AT", this.severityDistanceBetweenComponents(n.Cvss4P0Components.AT, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.AT), n.Cvss4P0Components.AT, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.AT))), t3.set("VC", this.severityDistanceBetweenComponents(n.Cvss4P0Components.VC, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.VC), n.Cvss4P0Components.VC, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.VC))), t3.set("VI", this.severityDistanceBetweenComponents(n.Cvss4P0Components.VI, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.VI), n.Cvss4P0Components.VI, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.VI))), t3.set("VA", this.severityDistanceBetweenComponents(n.Cvss4P0Components.VA, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.VA), n.Cvss4P0Components.VA, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.VA))), t3.set("SC", this.severityDistanceBetweenComponents(n.Cvss4P0Components.SC, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.SC), n.Cvss4P0Components.SC, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.SC))), t3.set("CR", this.severityDistanceBetweenComponents(n.Cvss4P0Components.CR, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.CR), n.Cvss4P0Components.CR, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.CR))), t3.set("IR", this.severityDistanceBetweenComponents(n.Cvss4P0Components.IR, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.IR), n.Cvss4P0Components.IR, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.IR))), t3.set("AR", this.severityDistanceBetweenComponents(n.Cvss4P0Components.AR, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.AR), n.Cvss4P0Components.AR, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.AR)));
              const e4 = this.getComponent(n.Cvss4P0Components.SI) === n.Cvss4P0Components.SUBSEQUENT_SYSTEM_INTEGRITY_MODIFIED_VALUES.S ? "MSI" : "SI", a2 = this.getComponent(n.Cvss4P0Components.SA) === n.Cvss4P0Components.SUBSEQUENT_SYSTEM_AVAILABILITY_MODIFIED_VALUES.S ? "MSA" : "SA";
              if (t3.set(e4, this.severityDistanceBetweenComponents(n.Cvss4P0Components.SI, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.SI), n.Cvss4P0Components.SI, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.SI))), t3.set(a2, this.severityDistanceBetweenComponents(n.Cvss4P0Components.SA, i.Cvss4P0MacroVector.getComparisonMetricComponent(this, n.Cvss4P0Components.SA), n.Cvss4P0Components.SA, i.Cvss4P0MacroVector.getComparisonMetricComponent(o2, n.Cvss4P0Components.SA))), !Array.from(t3.values()).some(((e5) => e5 < 0))) break;
              t3.clear();
            }
            return 0 === t3.size && console.warn(`No severity distances found for [${this.toString()}]`), t3;
          }
          getNomenclature() {
            let e3 = "CVSS-B";
            return this.isCategoryPartiallyDefined(n.Cvss4P0Components.THREAT_CATEGORY) && (e3 += "T"), (this.isCategoryPartiallyDefined(n.Cvss4P0Components.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY) || this.isCategoryPartiallyDefined(n.Cvss4P0Components.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY)) && (e3 += "E"), e3;
          }
          getMacroVector() {
            return i.Cvss4P0MacroVector.fromVector(this);
          }
          isBaseFullyDefined() {
            return super.isCategoryFullyDefined(n.Cvss4P0Components.BASE_CATEGORY);
          }
          isAnyBaseDefined() {
            return super.isCategoryPartiallyDefined(c.Cvss3P1Components.BASE_CATEGORY);
          }
          isThreatFullyDefined() {
            return super.isCategoryFullyDefined(n.Cvss4P0Components.THREAT_CATEGORY);
          }
          isAnyThreatDefined() {
            return super.isCategoryPartiallyDefined(n.Cvss4P0Components.THREAT_CATEGORY);
          }
          isAnyEnvironmentalDefined() {
            return super.isCategoryPartiallyDefined(n.Cvss4P0Components.ENVIRONMENTAL_MODIFIED_BASE_CATEGORY) || super.isCategoryPartiallyDefined(n.Cvss4P0Components.ENVIRONMENTAL_SECURITY_REQUIREMENT_CATEGORY);
          }
          getJsonSchemaSeverity(e3) {
            return 0 === e3 || isNaN(e3) ? "NONE" : e3 <= 3.9 ? "LOW" : e3 <= 6.9 ? "MEDIUM" : e3 <= 8.9 ? "HIGH" : "CRITICAL";
          }
          createJsonSchema() {
            const e3 = this.calculateScores();
            return { version: "4.0", vectorString: this.toString(), baseScore: e3.overall, baseSeverity: this.getJsonSchemaSeverity(e3.overall), attackVector: this.getComponent(n.Cvss4P0Components.AV).jsonSchemaName, attackComplexity: this.getComponent(n.Cvss4P0Components.AC).jsonSchemaName, attackRequirements: this.getComponent(n.Cvss4P0Components.AT).jsonSchemaName, privilegesRequired: this.getComponent(n.Cvss4P0Components.PR).jsonSchemaName, userInteraction: this.getComponent(n.Cvss4P0Components.UI).jsonSchemaName, vulnConfidentialityImpact: this.getComponent(n.Cvss4P0Components.VC).jsonSchemaName, vulnIntegrityImpact: this.getComponent(n.Cvss4P0Components.VI).jsonSchemaName, vulnAvailabilityImpact: this.getComponent(n.Cvss4P0Components.VA).jsonSchemaName, subConfidentialityImpact: this.getComponent(n.Cvss4P0Components.SC).jsonSchemaName, subIntegrityImpact: this.getComponent(n.Cvss4P0Components.SI).jsonSchemaName, subAvailabilityImpact: this.getComponent(n.Cvss4P0Components.SA).jsonSchemaName, exploitMaturity: this.getComponent(n.Cvss4P0Components.E).jsonSchemaName, confidentialityRequirement: this.getComponent(n.Cvss4P0Components.CR).jsonSchemaName, integrityRequirement: this.getComponent(n.Cvss4P0Components.IR).jsonSchemaName, availabilityRequirement: this.getComponent(n.Cvss4P0Components.AR).jsonSchemaName, modifiedAttackVector: this.getComponent(n.Cvss4P0Components.MAV).jsonSchemaName, modifiedAttackComplexity: this.getComponent(n.Cvss4P0Components.MAC).jsonSchemaName, modifiedAttackRequirements: this.getComponent(n.Cvss4P0Components.MAT).jsonSchemaName, modifiedPrivilegesRequired: this.getComponent(n.Cvss4P0Components.MPR).jsonSchemaName, modifiedUserInteraction: this.getComponent(n.Cvss4P0Components.MUI).jsonSchemaName, modifiedVulnConfidentialityImpact: this.getComponent(n.Cvss4P0Components.MVC).jsonSchemaName, modifiedVulnIntegrityImpact: this.getComponent(n.Cvss4P0Components.MVI).jsonSchemaName, modifiedVulnAvailabilityImpact: this.getComponent(n.Cvss4P0Components.MVA).jsonSchemaName, modifiedSubConfidentialityImpact: this.getComponent(n.Cvss4P0Components.MSC).jsonSchemaName, modifiedSubIntegrityImpact: this.getComponent(n.Cvss4P0Components.MSI).jsonSchemaName, modifiedSubAvailabilityImpact: this.getComponent(n.Cvss4P0Components.MSA).jsonSchemaName, Safety: this.getComponent(n.Cvss4P0Components.S).jsonSchemaName, Automatable: this.getComponent(n.Cvss4P0Components.AU).jsonSchemaName, Recovery: this.getComponent(n.Cvss4P0Components.R).jsonSchemaName, valueDensity: this.getComponent(n.Cvss4P0Components.V).jsonSchemaName, vulnerabilityResponseEffort: this.getComponent(n.Cvss4P0Components.RE).jsonSchemaName, providerUrgency: this.getComponent(n.Cvss4P0Components.U).jsonSchemaName };
          }
        }
        t2.Cvss4P0 = l, r.EQ.createCvssInstance = (e3) => new l(e3);
        class m {
          constructor() {
            this.sum = 0, this.count = 0;
          }
          add(e3) {
            this.sum += e3, this.count++;
          }
          get(e3) {
            return 0 == this.count ? e3 : this.sum / this.count;
          }
        }
      } }, t = {};
      return (function o(a) {
        var i = t[a];
        if (void 0 !== i) return i.exports;
        var s = t[a] = { exports: {} };
        return e[a].call(s.exports, s, s.exports, o), s.exports;
      })(156);
    })()));
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/error.js
var require_error = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/error.js"(exports, module) {
    "use strict";
    function formatPurlErrorMessage(message = "") {
      const { length } = message;
      let formatted = "";
      if (length) {
        const code0 = message.charCodeAt(0);
        formatted = code0 >= 65 || code0 <= 90 ? `${message[0].toLowerCase()}${message.slice(1)}` : message;
        if (length > 1 && message.charCodeAt(length - 1) === 46 && message.charCodeAt(length - 2) !== 46) {
          formatted = formatted.slice(0, -1);
        }
      }
      return `Invalid purl: ${formatted}`;
    }
    var PurlError = class extends Error {
      constructor(message) {
        super(formatPurlErrorMessage(message));
      }
    };
    module.exports = {
      formatPurlErrorMessage,
      PurlError
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/decode.js
var require_decode = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/decode.js"(exports, module) {
    "use strict";
    var { PurlError } = require_error();
    var { decodeURIComponent } = globalThis;
    function decodePurlComponent(comp, encodedURIComponent) {
      try {
        return decodeURIComponent(encodedURIComponent);
      } catch {
      }
      throw new PurlError(`unable to decode "${comp}" component`);
    }
    module.exports = {
      decodePurlComponent
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/constants.js
var require_constants = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/constants.js"(exports, module) {
    "use strict";
    var LOOP_SENTINEL = 1e6;
    var REUSED_SEARCH_PARAMS = new URLSearchParams();
    var REUSED_SEARCH_PARAMS_KEY = "_";
    var REUSED_SEARCH_PARAMS_OFFSET = 2;
    module.exports = {
      LOOP_SENTINEL,
      REUSED_SEARCH_PARAMS,
      REUSED_SEARCH_PARAMS_KEY,
      REUSED_SEARCH_PARAMS_OFFSET
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/objects.js
var require_objects = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/objects.js"(exports, module) {
    "use strict";
    var { LOOP_SENTINEL } = require_constants();
    function isObject(value) {
      return value !== null && typeof value === "object";
    }
    function recursiveFreeze(value_) {
      if (value_ === null || !(typeof value_ === "object" || typeof value_ === "function") || Object.isFrozen(value_)) {
        return value_;
      }
      const queue = [value_];
      let { length: queueLength } = queue;
      let pos = 0;
      while (pos < queueLength) {
        if (pos === LOOP_SENTINEL) {
          throw new Error(
            "Detected infinite loop in object crawl of recursiveFreeze"
          );
        }
        const obj = queue[pos++];
        Object.freeze(obj);
        if (Array.isArray(obj)) {
          for (let i = 0, { length } = obj; i < length; i += 1) {
            const item = obj[i];
            if (item !== null && (typeof item === "object" || typeof item === "function") && !Object.isFrozen(item)) {
              queue[queueLength++] = item;
            }
          }
        } else {
          const keys = Reflect.ownKeys(obj);
          for (let i = 0, { length } = keys; i < length; i += 1) {
            const propValue = obj[keys[i]];
            if (propValue !== null && (typeof propValue === "object" || typeof propValue === "function") && !Object.isFrozen(propValue)) {
              queue[queueLength++] = propValue;
            }
          }
        }
      }
      return value_;
    }
    module.exports = {
      isObject,
      recursiveFreeze
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/strings.js
var require_strings = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/strings.js"(exports, module) {
    "use strict";
    var { compare: localeCompare } = new Intl.Collator();
    var regexSemverNumberedGroups = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
    function isBlank(str) {
      for (let i = 0, { length } = str; i < length; i += 1) {
        const code = str.charCodeAt(i);
        if (!// Whitespace characters according to ECMAScript spec:
        // https://tc39.es/ecma262/#sec-white-space
        (code === 32 || // Space
        code === 9 || // Tab
        code === 10 || // Line Feed
        code === 11 || // Vertical Tab
        code === 12 || // Form Feed
        code === 13 || // Carriage Return
        code === 160 || // No-Break Space
        code === 5760 || // Ogham Space Mark
        code === 8192 || // En Quad
        code === 8193 || // Em Quad
        code === 8194 || // En Space
        code === 8195 || // Em Space
        code === 8196 || // Three-Per-Em Space
        code === 8197 || // Four-Per-Em Space
        code === 8198 || // Six-Per-Em Space
        code === 8199 || // Figure Space
        code === 8200 || // Punctuation Space
        code === 8201 || // Thin Space
        code === 8202 || // Hair Space
        code === 8232 || // Line Separator
        code === 8233 || // Paragraph Separator
        code === 8239 || // Narrow No-Break Space
        code === 8287 || // Medium Mathematical Space
        code === 12288 || // Ideographic Space
        code === 65279)) {
          return false;
        }
      }
      return true;
    }
    function isNonEmptyString(value) {
      return typeof value === "string" && value.length > 0;
    }
    function isSemverString(value) {
      return typeof value === "string" && regexSemverNumberedGroups.test(value);
    }
    function lowerName(purl) {
      purl.name = purl.name.toLowerCase();
    }
    function lowerNamespace(purl) {
      const { namespace } = purl;
      if (typeof namespace === "string") {
        purl.namespace = namespace.toLowerCase();
      }
    }
    function lowerVersion(purl) {
      const { version } = purl;
      if (typeof version === "string") {
        purl.version = version.toLowerCase();
      }
    }
    function replaceDashesWithUnderscores(str) {
      let result = "";
      let fromIndex = 0;
      let index = 0;
      while ((index = str.indexOf("-", fromIndex)) !== -1) {
        result = result + str.slice(fromIndex, index) + "_";
        fromIndex = index + 1;
      }
      return fromIndex ? result + str.slice(fromIndex) : str;
    }
    function replaceUnderscoresWithDashes(str) {
      let result = "";
      let fromIndex = 0;
      let index = 0;
      while ((index = str.indexOf("_", fromIndex)) !== -1) {
        result = result + str.slice(fromIndex, index) + "-";
        fromIndex = index + 1;
      }
      return fromIndex ? result + str.slice(fromIndex) : str;
    }
    function trimLeadingSlashes(str) {
      let start = 0;
      while (str.charCodeAt(start) === 47) {
        start += 1;
      }
      return start === 0 ? str : str.slice(start);
    }
    module.exports = {
      isBlank,
      isNonEmptyString,
      isSemverString,
      localeCompare,
      lowerName,
      lowerNamespace,
      lowerVersion,
      replaceDashesWithUnderscores,
      replaceUnderscoresWithDashes,
      trimLeadingSlashes
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/encode.js
var require_encode = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/encode.js"(exports, module) {
    "use strict";
    var {
      REUSED_SEARCH_PARAMS,
      REUSED_SEARCH_PARAMS_KEY,
      REUSED_SEARCH_PARAMS_OFFSET
    } = require_constants();
    var { isObject } = require_objects();
    var { isNonEmptyString } = require_strings();
    var { encodeURIComponent } = globalThis;
    function encodeNamespace(namespace) {
      return isNonEmptyString(namespace) ? encodeURIComponent(namespace).replace(/%3A/g, ":").replace(/%2F/g, "/") : "";
    }
    function encodeQualifierParam(param) {
      if (isNonEmptyString(param)) {
        REUSED_SEARCH_PARAMS.set(REUSED_SEARCH_PARAMS_KEY, param);
        return replacePlusSignWithPercentEncodedSpace(
          REUSED_SEARCH_PARAMS.toString().slice(REUSED_SEARCH_PARAMS_OFFSET)
        );
      }
      return "";
    }
    function encodeQualifiers(qualifiers) {
      if (isObject(qualifiers)) {
        const qualifiersKeys = Object.keys(qualifiers).sort();
        const searchParams = new URLSearchParams();
        for (let i = 0, { length } = qualifiersKeys; i < length; i += 1) {
          const key = qualifiersKeys[i];
          searchParams.set(key, qualifiers[key]);
        }
        return replacePlusSignWithPercentEncodedSpace(searchParams.toString());
      }
      return "";
    }
    function encodeSubpath(subpath) {
      return isNonEmptyString(subpath) ? encodeURIComponent(subpath).replace(/%2F/g, "/") : "";
    }
    function encodeVersion(version) {
      return isNonEmptyString(version) ? encodeURIComponent(version).replace(/%3A/g, ":").replace(/%2B/g, "+") : "";
    }
    function replacePlusSignWithPercentEncodedSpace(str) {
      return str.replace(/\+/g, "%20");
    }
    module.exports = {
      encodeNamespace,
      encodeVersion,
      encodeQualifiers,
      encodeQualifierParam,
      encodeSubpath,
      encodeURIComponent
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/helpers.js
var require_helpers = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/helpers.js"(exports, module) {
    "use strict";
    function createHelpersNamespaceObject(helpers, options_ = {}) {
      const { comparator, ...defaults } = { __proto__: null, ...options_ };
      const helperNames = Object.keys(helpers).sort();
      const propNames = [
        ...new Set([...Object.values(helpers)].map(Object.keys).flat())
      ].sort(comparator);
      const nsObject = /* @__PURE__ */ Object.create(null);
      for (let i = 0, { length } = propNames; i < length; i += 1) {
        const propName = propNames[i];
        const helpersForProp = /* @__PURE__ */ Object.create(null);
        for (let j = 0, { length: length_j } = helperNames; j < length_j; j += 1) {
          const helperName = helperNames[j];
          const helperValue = helpers[helperName][propName] ?? defaults[helperName];
          if (helperValue !== void 0) {
            helpersForProp[helperName] = helperValue;
          }
        }
        nsObject[propName] = helpersForProp;
      }
      return nsObject;
    }
    module.exports = {
      createHelpersNamespaceObject
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/normalize.js
var require_normalize = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/normalize.js"(exports, module) {
    "use strict";
    var { isObject } = require_objects();
    var { isBlank } = require_strings();
    function normalizeName(rawName) {
      return typeof rawName === "string" ? rawName.trim() : void 0;
    }
    function normalizeNamespace(rawNamespace) {
      return typeof rawNamespace === "string" ? normalizePath(rawNamespace) : void 0;
    }
    function normalizePath(pathname, callback) {
      let collapsed = "";
      let start = 0;
      while (pathname.charCodeAt(start) === 47) {
        start += 1;
      }
      let nextIndex = pathname.indexOf("/", start);
      if (nextIndex === -1) {
        return pathname.slice(start);
      }
      while (nextIndex !== -1) {
        const segment = pathname.slice(start, nextIndex);
        if (callback === void 0 || callback(segment)) {
          collapsed = collapsed + (collapsed.length === 0 ? "" : "/") + segment;
        }
        start = nextIndex + 1;
        while (pathname.charCodeAt(start) === 47) {
          start += 1;
        }
        nextIndex = pathname.indexOf("/", start);
      }
      const lastSegment = pathname.slice(start);
      if (lastSegment.length !== 0 && (callback === void 0 || callback(lastSegment))) {
        collapsed = collapsed + "/" + lastSegment;
      }
      return collapsed;
    }
    function normalizeQualifiers(rawQualifiers) {
      let qualifiers;
      for (const { 0: key, 1: value } of qualifiersToEntries(rawQualifiers)) {
        const strValue = typeof value === "string" ? value : String(value);
        const trimmed = strValue.trim();
        if (trimmed.length === 0) {
          continue;
        }
        if (qualifiers === void 0) {
          qualifiers = { __proto__: null };
        }
        qualifiers[key.toLowerCase()] = trimmed;
      }
      return qualifiers;
    }
    function normalizeSubpath(rawSubpath) {
      return typeof rawSubpath === "string" ? normalizePath(rawSubpath, subpathFilter) : void 0;
    }
    function normalizeType(rawType) {
      return typeof rawType === "string" ? rawType.trim().toLowerCase() : void 0;
    }
    function normalizeVersion(rawVersion) {
      return typeof rawVersion === "string" ? rawVersion.trim() : void 0;
    }
    function qualifiersToEntries(rawQualifiers) {
      if (isObject(rawQualifiers)) {
        return rawQualifiers instanceof URLSearchParams ? rawQualifiers.entries() : Object.entries(rawQualifiers);
      }
      return typeof rawQualifiers === "string" ? new URLSearchParams(rawQualifiers).entries() : Object.entries({});
    }
    function subpathFilter(segment) {
      const { length } = segment;
      if (length === 1 && segment.charCodeAt(0) === 46) return false;
      if (length === 2 && segment.charCodeAt(0) === 46 && segment.charCodeAt(1) === 46) {
        return false;
      }
      return !isBlank(segment);
    }
    module.exports = {
      normalizeName,
      normalizeNamespace,
      normalizePath,
      normalizeQualifiers,
      normalizeSubpath,
      normalizeType,
      normalizeVersion
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/lang.js
var require_lang = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/lang.js"(exports, module) {
    "use strict";
    function isNullishOrEmptyString(value) {
      return value === null || value === void 0 || typeof value === "string" && value.length === 0;
    }
    module.exports = {
      isNullishOrEmptyString
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/validate.js
var require_validate = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/validate.js"(exports, module) {
    "use strict";
    var { PurlError } = require_error();
    var { isNullishOrEmptyString } = require_lang();
    var { isNonEmptyString } = require_strings();
    function validateEmptyByType(type, name, value, throws2) {
      if (!isNullishOrEmptyString(value)) {
        if (throws2) {
          throw new PurlError(`${type} "${name}" component must be empty`);
        }
        return false;
      }
      return true;
    }
    function validateName(name, throws2) {
      return validateRequired("name", name, throws2) && validateStrings("name", name, throws2);
    }
    function validateNamespace(namespace, throws2) {
      return validateStrings("namespace", namespace, throws2);
    }
    function validateQualifiers(qualifiers, throws2) {
      if (qualifiers === null || qualifiers === void 0) {
        return true;
      }
      if (typeof qualifiers !== "object") {
        if (throws2) {
          throw new PurlError('"qualifiers" must be an object');
        }
        return false;
      }
      const keysIterable = (
        // URL searchParams have an "keys" method that returns an iterator.
        typeof qualifiers.keys === "function" ? qualifiers.keys() : Object.keys(qualifiers)
      );
      for (const key of keysIterable) {
        if (!validateQualifierKey(key, throws2)) {
          return false;
        }
      }
      return true;
    }
    function validateQualifierKey(key, throws2) {
      if (!validateStartsWithoutNumber("qualifier", key, throws2)) {
        return false;
      }
      for (let i = 0, { length } = key; i < length; i += 1) {
        const code = key.charCodeAt(i);
        if (!(code >= 48 && code <= 57 || // 0-9
        code >= 65 && code <= 90 || // A-Z
        code >= 97 && code <= 122 || // a-z
        code === 46 || // .
        code === 45 || // -
        code === 95)) {
          if (throws2) {
            throw new PurlError(
              `qualifier "${key}" contains an illegal character`
            );
          }
          return false;
        }
      }
      return true;
    }
    function validateRequired(name, value, throws2) {
      if (isNullishOrEmptyString(value)) {
        if (throws2) {
          throw new PurlError(`"${name}" is a required component`);
        }
        return false;
      }
      return true;
    }
    function validateRequiredByType(type, name, value, throws2) {
      if (isNullishOrEmptyString(value)) {
        if (throws2) {
          throw new PurlError(`${type} requires a "${name}" component`);
        }
        return false;
      }
      return true;
    }
    function validateStartsWithoutNumber(name, value, throws2) {
      if (isNonEmptyString(value)) {
        const code = value.charCodeAt(0);
        if (code >= 48 && code <= 57) {
          if (throws2) {
            throw new PurlError(
              `${name} "${value}" cannot start with a number`
            );
          }
          return false;
        }
      }
      return true;
    }
    function validateStrings(name, value, throws2) {
      if (value === null || value === void 0 || typeof value === "string") {
        return true;
      }
      if (throws2) {
        throw new PurlError(`"'${name}" must be a string`);
      }
      return false;
    }
    function validateSubpath(subpath, throws2) {
      return validateStrings("subpath", subpath, throws2);
    }
    function validateType(type, throws2) {
      if (!validateRequired("type", type, throws2) || !validateStrings("type", type, throws2) || !validateStartsWithoutNumber("type", type, throws2)) {
        return false;
      }
      for (let i = 0, { length } = type; i < length; i += 1) {
        const code = type.charCodeAt(i);
        if (!(code >= 48 && code <= 57 || // 0-9
        code >= 65 && code <= 90 || // A-Z
        code >= 97 && code <= 122 || // a-z
        code === 46 || // .
        code === 43 || // +
        code === 45)) {
          if (throws2) {
            throw new PurlError(
              `type "${type}" contains an illegal character`
            );
          }
          return false;
        }
      }
      return true;
    }
    function validateVersion(version, throws2) {
      return validateStrings("version", version, throws2);
    }
    module.exports = {
      validateEmptyByType,
      validateName,
      validateNamespace,
      validateQualifiers,
      validateQualifierKey,
      validateRequired,
      validateRequiredByType,
      validateStartsWithoutNumber,
      validateStrings,
      validateSubpath,
      validateType,
      validateVersion
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/purl-component.js
var require_purl_component = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/purl-component.js"(exports, module) {
    "use strict";
    var {
      encodeNamespace,
      encodeVersion,
      encodeQualifiers,
      encodeQualifierParam,
      encodeSubpath,
      encodeURIComponent
    } = require_encode();
    var { createHelpersNamespaceObject } = require_helpers();
    var {
      normalizeType,
      normalizeNamespace,
      normalizeName,
      normalizeVersion,
      normalizeQualifiers,
      normalizeSubpath
    } = require_normalize();
    var { localeCompare, isNonEmptyString } = require_strings();
    var {
      validateType,
      validateNamespace,
      validateName,
      validateVersion,
      validateQualifiers,
      validateQualifierKey,
      validateSubpath
    } = require_validate();
    var PurlComponentEncoder = (comp) => isNonEmptyString(comp) ? encodeURIComponent(comp) : "";
    var PurlComponentStringNormalizer = (comp) => typeof comp === "string" ? comp : void 0;
    var PurlComponentValidator = (_comp, _throws) => true;
    var componentSortOrderLookup = {
      __proto__: null,
      type: 0,
      namespace: 1,
      name: 2,
      version: 3,
      qualifiers: 4,
      qualifierKey: 5,
      qualifierValue: 6,
      subpath: 7
    };
    function componentSortOrder(comp) {
      return componentSortOrderLookup[comp] ?? comp;
    }
    function componentComparator(compA, compB) {
      return localeCompare(componentSortOrder(compA), componentSortOrder(compB));
    }
    module.exports = {
      // Rules for each purl component:
      // https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst#rules-for-each-purl-component
      PurlComponent: createHelpersNamespaceObject(
        {
          encode: {
            namespace: encodeNamespace,
            version: encodeVersion,
            qualifiers: encodeQualifiers,
            qualifierKey: encodeQualifierParam,
            qualifierValue: encodeQualifierParam,
            subpath: encodeSubpath
          },
          normalize: {
            type: normalizeType,
            namespace: normalizeNamespace,
            name: normalizeName,
            version: normalizeVersion,
            qualifiers: normalizeQualifiers,
            subpath: normalizeSubpath
          },
          validate: {
            type: validateType,
            namespace: validateNamespace,
            name: validateName,
            version: validateVersion,
            qualifierKey: validateQualifierKey,
            qualifiers: validateQualifiers,
            subpath: validateSubpath
          }
        },
        {
          comparator: componentComparator,
          encode: PurlComponentEncoder,
          normalize: PurlComponentStringNormalizer,
          validate: PurlComponentValidator
        }
      )
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/purl-qualifier-names.js
var require_purl_qualifier_names = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/purl-qualifier-names.js"(exports, module) {
    "use strict";
    module.exports = {
      // Known qualifiers:
      // https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst#known-qualifiers-keyvalue-pairs
      PurlQualifierNames: {
        __proto__: null,
        RepositoryUrl: "repository_url",
        DownloadUrl: "download_url",
        VcsUrl: "vcs_url",
        FileName: "file_name",
        Checksum: "checksum"
      }
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/purl-type.js
var require_purl_type = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/purl-type.js"(exports, module) {
    "use strict";
    var { isNullishOrEmptyString } = require_lang();
    var { createHelpersNamespaceObject } = require_helpers();
    var {
      isSemverString,
      lowerName,
      lowerNamespace,
      lowerVersion,
      replaceDashesWithUnderscores,
      replaceUnderscoresWithDashes
    } = require_strings();
    var { validateEmptyByType, validateRequiredByType } = require_validate();
    var { PurlError } = require_error();
    var PurlTypNormalizer = (purl) => purl;
    var PurlTypeValidator = (_purl, _throws) => true;
    module.exports = {
      // PURL types:
      // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst
      PurlType: createHelpersNamespaceObject(
        {
          normalize: {
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#alpm
            alpm(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#apk
            apk(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#bitbucket
            bitbucket(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#bitnami
            bitnami(purl) {
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#composer
            composer(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#deb
            deb(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#other-candidate-types-to-define
            gitlab(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#github
            github(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#golang
            // golang(purl) {
            //     // Ignore case-insensitive rule because go.mod are case-sensitive.
            //     // Pending spec change: https://github.com/package-url/purl-spec/pull/196
            //     lowerNamespace(purl)
            //     lowerName(purl)
            //     return purl
            // },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#hex
            hex(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#huggingface
            huggingface(purl) {
              lowerVersion(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#mlflow
            mlflow(purl) {
              if (purl.qualifiers?.repository_url?.includes("databricks")) {
                lowerName(purl);
              }
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#npm
            npm(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#luarocks
            luarocks(purl) {
              lowerVersion(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#oci
            oci(purl) {
              lowerName(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#pub
            pub(purl) {
              lowerName(purl);
              purl.name = replaceDashesWithUnderscores(purl.name);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#pypi
            pypi(purl) {
              lowerNamespace(purl);
              lowerName(purl);
              purl.name = replaceUnderscoresWithDashes(purl.name);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#qpkg
            qpkg(purl) {
              lowerNamespace(purl);
              return purl;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#rpm
            rpm(purl) {
              lowerNamespace(purl);
              return purl;
            }
          },
          validate: {
            // TODO: cocoapods name validation
            // TODO: cpan namespace validation
            // TODO: swid qualifier validation
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#conan
            conan(purl, throws2) {
              if (isNullishOrEmptyString(purl.namespace)) {
                if (purl.qualifiers?.channel) {
                  if (throws2) {
                    throw new PurlError(
                      'conan requires a "namespace" component when a "channel" qualifier is present'
                    );
                  }
                  return false;
                }
              } else if (isNullishOrEmptyString(purl.qualifiers)) {
                if (throws2) {
                  throw new PurlError(
                    'conan requires a "qualifiers" component when a namespace is present'
                  );
                }
                return false;
              }
              return true;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#cran
            cran(purl, throws2) {
              return validateRequiredByType(
                "cran",
                "version",
                purl.version,
                throws2
              );
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#golang
            golang(purl) {
              const { version } = purl;
              const length = typeof version === "string" ? version.length : 0;
              if (length && version.charCodeAt(0) === 118 && !isSemverString(version.slice(1))) {
                if (throws) {
                  throw new PurlError(
                    'golang "version" component starting with a "v" must be followed by a valid semver version'
                  );
                }
                return false;
              }
              return true;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#maven
            maven(purl, throws2) {
              return validateRequiredByType(
                "maven",
                "namespace",
                purl.namespace,
                throws2
              );
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#mlflow
            mlflow(purl, throws2) {
              return validateEmptyByType(
                "mlflow",
                "namespace",
                purl.namespace,
                throws2
              );
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#oci
            oci(purl, throws2) {
              return validateEmptyByType(
                "oci",
                "namespace",
                purl.namespace,
                throws2
              );
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#pub
            pub(purl, throws2) {
              const { name } = purl;
              for (let i = 0, { length } = name; i < length; i += 1) {
                const code = name.charCodeAt(i);
                if (!(code >= 48 && code <= 57 || // 0-9
                code >= 97 && code <= 122 || // a-z
                code === 95)) {
                  if (throws2) {
                    throw new PurlError(
                      'pub "name" component may only contain [a-z0-9_] characters'
                    );
                  }
                  return false;
                }
              }
              return true;
            },
            // https://github.com/package-url/purl-spec/blob/master/PURL-TYPES.rst#swift
            swift(purl, throws2) {
              return validateRequiredByType(
                "swift",
                "namespace",
                purl.namespace,
                throws2
              ) && validateRequiredByType(
                "swift",
                "version",
                purl.version,
                throws2
              );
            }
          }
        },
        {
          normalize: PurlTypNormalizer,
          validate: PurlTypeValidator
        }
      )
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/package-url.js
var require_package_url = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/src/package-url.js"(exports, module) {
    "use strict";
    var { decodePurlComponent } = require_decode();
    var { isObject, recursiveFreeze } = require_objects();
    var { isBlank, isNonEmptyString, trimLeadingSlashes } = require_strings();
    var { PurlComponent } = require_purl_component();
    var { PurlQualifierNames } = require_purl_qualifier_names();
    var { PurlType } = require_purl_type();
    var { PurlError } = require_error();
    var PackageURL3 = class _PackageURL {
      static Component = recursiveFreeze(PurlComponent);
      static KnownQualifierNames = recursiveFreeze(PurlQualifierNames);
      static Type = recursiveFreeze(PurlType);
      constructor(rawType, rawNamespace, rawName, rawVersion, rawQualifiers, rawSubpath) {
        const type = isNonEmptyString(rawType) ? PurlComponent.type.normalize(rawType) : rawType;
        PurlComponent.type.validate(type, true);
        const namespace = isNonEmptyString(rawNamespace) ? PurlComponent.namespace.normalize(rawNamespace) : rawNamespace;
        PurlComponent.namespace.validate(namespace, true);
        const name = isNonEmptyString(rawName) ? PurlComponent.name.normalize(rawName) : rawName;
        PurlComponent.name.validate(name, true);
        const version = isNonEmptyString(rawVersion) ? PurlComponent.version.normalize(rawVersion) : rawVersion;
        PurlComponent.version.validate(version, true);
        const qualifiers = typeof rawQualifiers === "string" || isObject(rawQualifiers) ? PurlComponent.qualifiers.normalize(rawQualifiers) : rawQualifiers;
        PurlComponent.qualifiers.validate(qualifiers, true);
        const subpath = isNonEmptyString(rawSubpath) ? PurlComponent.subpath.normalize(rawSubpath) : rawSubpath;
        PurlComponent.subpath.validate(subpath, true);
        this.type = type;
        this.name = name;
        this.namespace = namespace ?? void 0;
        this.version = version ?? void 0;
        this.qualifiers = qualifiers ?? void 0;
        this.subpath = subpath ?? void 0;
        const typeHelpers = PurlType[type];
        if (typeHelpers) {
          typeHelpers.normalize(this);
          typeHelpers.validate(this, true);
        }
      }
      toString() {
        const { namespace, name, version, qualifiers, subpath, type } = this;
        let purlStr = `pkg:${PurlComponent.type.encode(type)}/`;
        if (namespace) {
          purlStr = `${purlStr}${PurlComponent.namespace.encode(namespace)}/`;
        }
        purlStr = `${purlStr}${PurlComponent.name.encode(name)}`;
        if (version) {
          purlStr = `${purlStr}@${PurlComponent.version.encode(version)}`;
        }
        if (qualifiers) {
          purlStr = `${purlStr}?${PurlComponent.qualifiers.encode(qualifiers)}`;
        }
        if (subpath) {
          purlStr = `${purlStr}#${PurlComponent.subpath.encode(subpath)}`;
        }
        return purlStr;
      }
      static fromString(purlStr) {
        return new _PackageURL(..._PackageURL.parseString(purlStr));
      }
      static parseString(purlStr) {
        if (typeof purlStr !== "string") {
          throw new Error("A purl string argument is required.");
        }
        if (isBlank(purlStr)) {
          return [
            void 0,
            void 0,
            void 0,
            void 0,
            void 0,
            void 0
          ];
        }
        const colonIndex = purlStr.indexOf(":");
        let url;
        let maybeUrlWithAuth;
        if (colonIndex !== -1) {
          try {
            const beforeColon = purlStr.slice(0, colonIndex);
            const afterColon = purlStr.slice(colonIndex + 1);
            const trimmedAfterColon = trimLeadingSlashes(afterColon);
            url = new URL(`${beforeColon}:${trimmedAfterColon}`);
            maybeUrlWithAuth = afterColon.length === trimmedAfterColon.length ? url : new URL(purlStr);
          } catch (e) {
            throw new PurlError("failed to parse as URL", {
              cause: e
            });
          }
        }
        if (url?.protocol !== "pkg:") {
          throw new PurlError('missing required "pkg" scheme component');
        }
        if (maybeUrlWithAuth.username !== "" || maybeUrlWithAuth.password !== "") {
          throw new PurlError('cannot contain a "user:pass@host:port"');
        }
        const { pathname } = url;
        const firstSlashIndex = pathname.indexOf("/");
        const rawType = decodePurlComponent(
          "type",
          firstSlashIndex === -1 ? pathname : pathname.slice(0, firstSlashIndex)
        );
        if (firstSlashIndex < 1) {
          return [
            rawType,
            void 0,
            void 0,
            void 0,
            void 0,
            void 0
          ];
        }
        let rawVersion;
        let atSignIndex = pathname.lastIndexOf("@");
        if (atSignIndex !== -1 && pathname.charCodeAt(atSignIndex - 1) === 47) {
          atSignIndex = -1;
        }
        const beforeVersion = pathname.slice(
          rawType.length + 1,
          atSignIndex === -1 ? pathname.length : atSignIndex
        );
        if (atSignIndex !== -1) {
          rawVersion = decodePurlComponent(
            "version",
            pathname.slice(atSignIndex + 1)
          );
        }
        let rawNamespace;
        let rawName;
        const lastSlashIndex = beforeVersion.lastIndexOf("/");
        if (lastSlashIndex === -1) {
          rawName = decodePurlComponent("name", beforeVersion);
        } else {
          rawName = decodePurlComponent(
            "name",
            beforeVersion.slice(lastSlashIndex + 1)
          );
          rawNamespace = decodePurlComponent(
            "namespace",
            beforeVersion.slice(0, lastSlashIndex)
          );
        }
        let rawQualifiers;
        const { searchParams } = url;
        if (searchParams.size !== 0) {
          searchParams.forEach(
            (value) => decodePurlComponent("qualifiers", value)
          );
          rawQualifiers = searchParams;
        }
        let rawSubpath;
        const { hash } = url;
        if (hash.length !== 0) {
          rawSubpath = decodePurlComponent("subpath", hash.slice(1));
        }
        return [
          rawType,
          rawNamespace,
          rawName,
          rawVersion,
          rawQualifiers,
          rawSubpath
        ];
      }
    };
    for (const staticProp of ["Component", "KnownQualifierNames", "Type"]) {
      Reflect.defineProperty(PackageURL3, staticProp, {
        ...Reflect.getOwnPropertyDescriptor(PackageURL3, staticProp),
        writable: false
      });
    }
    Reflect.setPrototypeOf(PackageURL3.prototype, null);
    module.exports = {
      PackageURL: PackageURL3,
      PurlComponent,
      PurlQualifierNames,
      PurlType
    };
  }
});

// node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/index.js
var require_packageurl_js = __commonJS({
  "node_modules/.pnpm/packageurl-js@2.0.1/node_modules/packageurl-js/index.js"(exports, module) {
    "use strict";
    var {
      PackageURL: PackageURL3,
      PurlComponent,
      PurlQualifierNames,
      PurlType
    } = require_package_url();
    module.exports = {
      PackageURL: PackageURL3,
      PurlComponent,
      PurlQualifierNames,
      PurlType
    };
  }
});

// packages/sbom/src/errors.ts
var SbomErrorCode = {
  /** The artifact cannot be read or is not an archive. */
  Artifact: "E_SBOM_ARTIFACT",
  /** No build metadata (`<artifact>.json`) was given or found beside the artifact. */
  NoMetadata: "E_SBOM_NO_METADATA",
  /** The build metadata is not JSON, misses a field, or describes another artifact or recipe. */
  Metadata: "E_SBOM_METADATA",
  /** The recipe's `license` is not a valid SPDX license expression. */
  License: "E_SBOM_LICENSE",
  /** The SBOM we made does not validate against its schema (a bug, reported with the schema's words). */
  Invalid: "E_SBOM_INVALID",
  /** A file given to the scanner is not a CycloneDX or SPDX JSON document. */
  UnreadableSbom: "E_SBOM_UNREADABLE",
  /** A file of the OSV folder is not an OSV record. */
  OsvRecord: "E_SBOM_OSV_RECORD",
  /** The OSV folder is missing or holds no record. */
  OsvFolder: "E_SBOM_OSV_FOLDER",
  /** The allow-list file is not valid. */
  AllowList: "E_SBOM_ALLOW_LIST",
  /** The scanner asked for (grype, trivy) is not installed. */
  ScannerMissing: "E_SBOM_SCANNER_MISSING",
  /** A scanner release downloaded to be installed does not have its pinned sha256 (nothing is installed). */
  ScannerChecksum: "E_SBOM_SCANNER_CHECKSUM",
  /** The scanner ran but failed, or printed something that is not its JSON report. */
  ScannerFailed: "E_SBOM_SCANNER_FAILED",
  /** An option given to the library is not one it knows (a severity, a format, a scanner name). */
  Option: "E_SBOM_OPTION"
};

// packages/sbom/src/allow-list.ts
var import_yaml = __toESM(require_dist(), 1);
import { promises as fs } from "node:fs";
var DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
var EntrySchema = external_exports.strictObject({
  id: external_exports.string().trim().min(1, "the advisory id is required"),
  reason: external_exports.string().trim().min(1, "say why it is accepted"),
  expires: external_exports.string().regex(DATE, "a date YYYY-MM-DD").refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && (/* @__PURE__ */ new Date(`${d}T00:00:00Z`)).toISOString().startsWith(d), "a real date YYYY-MM-DD"),
  package: external_exports.string().trim().min(1).optional()
});
async function readAllowList(file) {
  let text;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (err) {
    throw new UserError(SbomErrorCode.AllowList, `cannot read the allow-list ${file}: ${errorMessage(err)}`, { location: { file } });
  }
  return parseAllowList(text, file);
}
function parseAllowList(text, file) {
  const lineCounter = new import_yaml.LineCounter();
  const doc = (0, import_yaml.parseDocument)(text, { lineCounter, schema: "core" });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new UserError(SbomErrorCode.AllowList, `the allow-list is not valid YAML: ${e.message.split("\n")[0]}`, { location: { file, line: e.linePos?.[0]?.line } });
  }
  const data = doc.toJS() ?? [];
  const lineOf = (p) => {
    const node = doc.getIn(p, true);
    return node?.range ? lineCounter.linePos(node.range[0]).line : void 0;
  };
  if (!Array.isArray(data)) {
    throw new UserError(SbomErrorCode.AllowList, "the allow-list must be a list of entries (- id: ..., reason: ..., expires: YYYY-MM-DD)", { location: { file, line: 1 } });
  }
  return data.map((raw, i) => {
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? String(issue.path[0]) : void 0;
      throw new UserError(SbomErrorCode.AllowList, `allow-list entry ${i + 1}${field ? ` field "${field}"` : ""}: ${issue.message}`, {
        location: { file, line: lineOf(field ? [i, field] : [i]) ?? lineOf([i]), field: field ? `[${i}].${field}` : `[${i}]` },
        hint: "each entry needs id, reason and expires (YYYY-MM-DD); package is optional"
      });
    }
    const line = lineOf([i]);
    return { ...parsed.data, ...file ? { file } : {}, ...line !== void 0 ? { line } : {} };
  });
}
function isExpired(entry, now) {
  return now.toISOString().slice(0, 10) > entry.expires;
}
function entryFor(entries, finding, now) {
  const ids = new Set([finding.id, ...finding.aliases].map((x) => x.toUpperCase()));
  const matching = entries.filter((e) => ids.has(e.id.toUpperCase()) && (!e.package || e.package.toLowerCase() === finding.package.name.toLowerCase()));
  return matching.find((e) => !isExpired(e, now)) ?? matching[0];
}

// packages/sbom/src/cvss.ts
var aeCvss = __toESM(require_ae_cvss_calculator(), 1);
var wrapped = aeCvss.default;
var cvssCalculator = wrapped?.fromVector ? wrapped : aeCvss;
var SEVERITIES = ["none", "low", "medium", "high", "critical"];
var REQUIRED = {
  "4.0": ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"],
  "3.1": ["AV", "AC", "PR", "UI", "S", "C", "I", "A"],
  "3.0": ["AV", "AC", "PR", "UI", "S", "C", "I", "A"],
  "2.0": ["AV", "AC", "Au", "C", "I", "A"]
};
var RANK = { "4.0": 3, "3.1": 2, "3.0": 2, "2.0": 1 };
function rateVector(vector) {
  const text = vector.trim();
  const m = /^CVSS:(4\.0|3\.1|3\.0)\/(.+)$/.exec(text);
  const version = m?.[1] ?? "2.0";
  const body = m ? m[2] : text.replace(/^\(|\)$/g, "");
  const metrics = body.split("/").map((p) => p.split(":")[0]);
  if (new Set(metrics).size !== metrics.length) return void 0;
  if (!REQUIRED[version].every((k) => metrics.includes(k))) return void 0;
  let parsed;
  try {
    parsed = cvssCalculator.fromVector(m ? text : body);
  } catch {
    return void 0;
  }
  if (!parsed || parsed.getVectorName() !== (version === "2.0" ? "CVSS:2.0" : `CVSS:${version}`)) return void 0;
  const score = parsed.calculateScores().overall;
  if (typeof score !== "number" || !Number.isFinite(score)) return void 0;
  return { version, vector: m ? text : body, score, severity: ratingOf(score, version) };
}
function ratingOf(score, version) {
  if (version === "2.0") return score >= 7 ? "high" : score >= 4 ? "medium" : "low";
  if (score === 0) return "none";
  return score >= 9 ? "critical" : score >= 7 ? "high" : score >= 4 ? "medium" : "low";
}
function rateVectors(vectors) {
  let best;
  for (const v of vectors) {
    const r = rateVector(v);
    if (!r) continue;
    if (!best || RANK[r.version] > RANK[best.version] || RANK[r.version] === RANK[best.version] && r.score > best.score) best = r;
  }
  return best;
}
function severityRank(s) {
  return s === "unknown" ? SEVERITIES.length - 1 : SEVERITIES.indexOf(s);
}

// packages/sbom/src/report.ts
var FAIL_ON_LEVELS = ["critical", "high", "medium", "low", "none"];
function buildReport(options) {
  const allow = options.allowList ?? [];
  const findings = mergeFindings(options.findings).map((f) => {
    const entry = entryFor(allow, f, options.now);
    const expired = entry ? isExpired(entry, options.now) : false;
    const atThreshold = options.failOn !== "none" && severityRank(f.severity) >= severityRank(options.failOn);
    const status = entry && !expired ? "allowed" : atThreshold ? "fails" : "below threshold";
    return {
      ...f,
      status,
      ...entry ? { allow: { reason: entry.reason, expires: entry.expires, expired, ...entry.file ? { file: entry.file } : {}, ...entry.line ? { line: entry.line } : {} } } : {}
    };
  });
  findings.sort(bySeverity);
  const open = findings.filter((f) => f.status !== "allowed");
  const failing = findings.filter((f) => f.status === "fails").length;
  const expiredAllows = [...new Map(findings.filter((f) => f.allow?.expired).map((f) => [f.allow.reason + f.id, { id: f.id, expires: f.allow.expires, reason: f.allow.reason }])).values()];
  return {
    schema: 1,
    scanned: true,
    scanner: options.scanner,
    sboms: options.sboms,
    packages: options.packages,
    failOn: options.failOn,
    findings,
    counts: countBySeverity(findings),
    failing,
    maxSeverity: open.reduce((max, f) => severityRank(f.severity) > severityRank(max) || max === "unknown" && f.severity === "critical" ? f.severity : max, "none"),
    expiredAllows,
    passed: failing === 0,
    scannedAt: options.now.toISOString()
  };
}
function skippedReport(reason, sboms, failOn, now) {
  return {
    schema: 1,
    scanned: false,
    skipped: reason,
    sboms,
    packages: 0,
    failOn,
    findings: [],
    counts: countBySeverity([]),
    failing: 0,
    maxSeverity: "none",
    expiredAllows: [],
    passed: true,
    scannedAt: now.toISOString()
  };
}
function countBySeverity(findings) {
  const counts = { critical: 0, high: 0, medium: 0, low: 0, none: 0, unknown: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
function bySeverity(a, b) {
  return severityRank(b.severity) - severityRank(a.severity) || Number(a.severity === "unknown") - Number(b.severity === "unknown") || (b.cvss?.score ?? 0) - (a.cvss?.score ?? 0) || cmp(a.package.name, b.package.name) || cmp(a.id, b.id);
}
var cmp = (a, b) => a < b ? -1 : a > b ? 1 : 0;
function mergeFindings(findings) {
  const groups = [];
  const keyOf = (f) => (f.package.purl ?? `${f.package.name}@${f.package.version ?? ""}`).toLowerCase();
  for (const f of findings) {
    const ids = /* @__PURE__ */ new Set([f.id, ...f.aliases]);
    const into = groups.filter((g) => keyOf(g[0]) === keyOf(f) && g.some((x) => ids.has(x.id) || x.aliases.some((a) => ids.has(a))));
    const merged = [...into.flat(), f];
    for (const g of into) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups.map((g) => {
    const best = [...g].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (b.cvss?.score ?? 0) - (a.cvss?.score ?? 0) || preferCve(a, b))[0];
    const ids = new Set(g.flatMap((f) => [f.id, ...f.aliases]));
    ids.delete(best.id);
    const fixedVersion = best.fixedVersion ?? g.find((f) => f.fixedVersion)?.fixedVersion;
    return { ...best, aliases: [...ids].sort(), ...fixedVersion ? { fixedVersion } : {} };
  });
}
function preferCve(a, b) {
  return Number(!a.id.startsWith("CVE-")) - Number(!b.id.startsWith("CVE-")) || cmp(a.id, b.id);
}
var FINDINGS_TABLE_HEADERS = ["severity", "id", "package", "installed", "fixed in", "score", "status"];
function findingsTableRows(report) {
  return report.findings.map((f) => [
    f.severity,
    f.id,
    f.package.name,
    f.package.version ?? "",
    f.fixedVersion ?? (f.fixedCommit ? `commit ${f.fixedCommit.slice(0, 12)}` : ""),
    f.cvss ? `${f.cvss.score.toFixed(1)} (CVSS ${f.cvss.version})` : "",
    statusText(f)
  ]);
}
function statusText(f) {
  if (f.status === "allowed") return `allowed until ${f.allow.expires}: ${f.allow.reason}`;
  const expired = f.allow?.expired ? ` (allow-list entry expired ${f.allow.expires})` : "";
  return `${f.status}${expired}`;
}
function reportVerdict(report) {
  if (!report.scanned) return `not scanned: ${report.skipped}`;
  const n = report.findings.length;
  const allowed = report.findings.filter((f) => f.status === "allowed").length;
  const head = `${n} finding(s) in ${report.packages} package(s) of ${report.sboms.length} SBOM(s) by ${report.scanner?.description}`;
  const tail = report.passed ? `passed (threshold: ${report.failOn}${allowed ? `, ${allowed} allowed` : ""})` : `FAILED: ${report.failing} finding(s) at or above ${report.failOn} and not allowed`;
  return `${head}: ${tail}`;
}

// packages/sbom/src/scan.ts
import path4 from "node:path";

// packages/sbom/src/read-sbom.ts
var import_packageurl_js2 = __toESM(require_packageurl_js(), 1);
import { promises as fs2 } from "node:fs";

// packages/sbom/src/purl.ts
var import_packageurl_js = __toESM(require_packageurl_js(), 1);
function githubRepoOfUrl(url) {
  const m = /^(?:https?:\/\/|git@|ssh:\/\/git@|git:\/\/)(?:www\.)?github\.com[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?(?:[/?#]|$)/i.exec(url.trim());
  return m ? `${m[1]}/${m[2]}` : void 0;
}
function githubRepoOf(recipe, metadata) {
  const source = recipe?.version.source;
  if (source && (source.kind === "github-release" || source.kind === "github-tag")) return source.repo;
  const candidates = [
    metadata?.source?.url,
    ...recipe?.download.urls.map((u) => u.template) ?? [],
    recipe?.download.gitUrl,
    ...recipe?.sourceBuild?.urls.map((u) => u.template) ?? [],
    recipe?.sourceBuild?.gitUrl
  ];
  for (const c of candidates) {
    const repo = c && !/[{}]/.test(c.split("/").slice(0, 5).join("/")) ? githubRepoOfUrl(c) : void 0;
    if (repo) return repo;
  }
  return void 0;
}
function packagePurl(name, version, githubRepo) {
  if (githubRepo) {
    const [owner, repo] = githubRepo.split("/");
    return new import_packageurl_js.PackageURL("github", owner, repo, version, void 0, void 0).toString();
  }
  return new import_packageurl_js.PackageURL("generic", void 0, name, version, void 0, void 0).toString();
}
var FORGE_REPO = /^https?:\/\/(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/i;
function repositoryOf(recipe, metadata) {
  const gh = githubRepoOf(recipe, metadata);
  if (gh) return `https://github.com/${gh}`;
  const git = recipe?.download.gitUrl ?? recipe?.sourceBuild?.gitUrl;
  if (git && /^https?:\/\//.test(git)) return normalizeRepoUrl(git);
  const home = recipe?.homepage && FORGE_REPO.exec(recipe.homepage.trim());
  return home ? `https://${home[1].toLowerCase()}/${home[2]}/${home[3]}` : void 0;
}
function normalizeRepoUrl(url) {
  return url.trim().replace(/^git\+/, "").replace(/^(git|ssh|http):\/\//i, "https://").replace(/^git@([^:]+):/i, "https://$1/").replace(/^https:\/\/[^@/]+@/i, "https://").replace(/\/+$/, "").replace(/\.git$/i, "").toLowerCase();
}

// packages/sbom/src/read-sbom.ts
async function readSbomFile(file) {
  let data;
  try {
    data = JSON.parse(await fs2.readFile(file, "utf8"));
  } catch (err) {
    throw unreadable(file, errorMessage(err));
  }
  const doc = data;
  if (doc && doc.bomFormat === "CycloneDX") return readCycloneDx(file, doc);
  if (doc && typeof doc.spdxVersion === "string") return readSpdx(file, doc);
  throw unreadable(file, "it is neither a CycloneDX JSON SBOM (bomFormat) nor an SPDX JSON document (spdxVersion)");
}
function unreadable(file, why) {
  return new UserError(SbomErrorCode.UnreadableSbom, `cannot read the SBOM ${file}: ${why}`, {
    location: { file },
    hint: "give CycloneDX or SPDX JSON files, such as those `potions sbom` writes"
  });
}
function readCycloneDx(file, doc) {
  const metadata = doc.metadata ?? {};
  const out = [];
  const visit = (c, index) => {
    for (const [i, child] of (c.components ?? []).entries()) visit(child, `${index}.${i}`);
    if (c.type === "file" || typeof c.name !== "string" || c.name === "") return void 0;
    const vcs = c.externalReferences?.find((r) => r.type === "vcs" && typeof r.url === "string")?.url;
    const component = scanComponent(c["bom-ref"] ?? index, c.name, c.version, c.purl, vcs);
    out.push(component);
    return component;
  };
  const subject = metadata.component ? visit(metadata.component, "metadata.component") : void 0;
  for (const [i, c] of (Array.isArray(doc.components) ? doc.components : []).entries()) visit(c, `components.${i}`);
  const recipeFile = metadata.component?.properties?.find((p) => p.name === "potions:recipe-file")?.value;
  return { file, format: "cyclonedx", ...subject ? { subject } : {}, components: out, ...recipeFile ? { recipeFile } : {} };
}
function readSpdx(file, doc) {
  const packages = Array.isArray(doc.packages) ? doc.packages : [];
  const out = [];
  for (const [i, p] of packages.entries()) {
    if (typeof p.name !== "string" || p.name === "" || p.primaryPackagePurpose === "SOURCE") continue;
    const purl = p.externalRefs?.find((r) => r.referenceType === "purl")?.referenceLocator;
    const vcs = p.downloadLocation && /^git\+/.test(p.downloadLocation) ? p.downloadLocation.replace(/@[^@/]*$/, "") : void 0;
    out.push(scanComponent(p.SPDXID ?? `packages.${i}`, p.name, p.versionInfo, purl, vcs));
  }
  const relationships = Array.isArray(doc.relationships) ? doc.relationships : [];
  const described = relationships.find((r) => r.spdxElementId === "SPDXRef-DOCUMENT" && r.relationshipType === "DESCRIBES")?.relatedSpdxElement;
  const subject = out.find((c) => c.ref === described);
  return { file, format: "spdx", ...subject ? { subject } : {}, components: out };
}
function scanComponent(ref, name, version, purl, vcs) {
  let repository = vcs ? normalizeRepoUrl(vcs) : void 0;
  if (!repository && purl) {
    const p = parsePurl(purl);
    if (p?.type === "github" && p.namespace) repository = normalizeRepoUrl(`https://github.com/${p.namespace}/${p.name}`);
  }
  return { ref, name, ...version ? { version } : {}, ...purl ? { purl } : {}, ...repository ? { repository } : {} };
}
function parsePurl(purl) {
  try {
    const p = import_packageurl_js2.PackageURL.fromString(purl);
    return { type: p.type, ...p.namespace ? { namespace: p.namespace } : {}, name: p.name, ...p.version ? { version: p.version } : {} };
  } catch {
    return void 0;
  }
}

// packages/sbom/src/scanners/program.ts
import { constants as fsConstants, promises as fs3 } from "node:fs";
import os from "node:os";
import path from "node:path";
async function findProgram(name, env) {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      const st = await fs3.stat(candidate);
      if (!st.isFile()) continue;
      await fs3.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
    }
  }
  return void 0;
}
async function programVersion(exec, argv, env) {
  const out = await captureOutput(exec, argv, env, os.tmpdir());
  return out ? /(\d+\.\d+\.\d+[\w.-]*)/.exec(out)?.[1] : void 0;
}
async function runForJsonReport(options) {
  const dir = await fs3.mkdtemp(path.join(os.tmpdir(), "potions-scan-"));
  const report = path.join(dir, "report.json");
  try {
    const argv = options.argv.map((a) => a.replace("{report}", report));
    let res;
    try {
      res = await options.exec({ argv, cwd: dir, env: options.env, timeoutMs: options.timeoutMs });
    } catch (err) {
      throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} could not be started: ${errorMessage(err)}`, { hint: "check that it is installed and runs on this machine" });
    }
    if (res.timedOut) throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} did not finish within ${Math.round(options.timeoutMs / 1e3)} s`);
    if (res.exitCode !== 0) {
      throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} failed (exit ${res.exitCode ?? res.signal}):
${res.tail.trim().split("\n").slice(-15).join("\n")}`, {
        hint: "grype and trivy download their vulnerability database on first use: without network, use OSV records instead"
      });
    }
    const text = await fs3.readFile(report, "utf8").catch(() => void 0);
    if (text === void 0) throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} exited 0 but wrote no report to ${report}`);
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new UserError(SbomErrorCode.ScannerFailed, `${options.what} wrote a report that is not JSON: ${errorMessage(err)}`);
    }
  } finally {
    await fs3.rm(dir, { recursive: true, force: true });
  }
}

// packages/sbom/src/scanners/grype.ts
var Cvss = external_exports.looseObject({ version: external_exports.string().optional(), vector: external_exports.string().optional() });
var VulnerabilityMetadata = external_exports.looseObject({
  id: external_exports.string().min(1),
  dataSource: external_exports.string().optional(),
  urls: external_exports.array(external_exports.string()).nullish(),
  description: external_exports.string().optional(),
  cvss: external_exports.array(Cvss).nullish()
});
var GrypeReportSchema = external_exports.looseObject({
  matches: external_exports.array(
    external_exports.looseObject({
      vulnerability: VulnerabilityMetadata.extend({ fix: external_exports.looseObject({ versions: external_exports.array(external_exports.string()).nullish(), state: external_exports.string().optional() }).optional() }),
      relatedVulnerabilities: external_exports.array(VulnerabilityMetadata).nullish(),
      matchDetails: external_exports.array(external_exports.looseObject({ type: external_exports.string().optional() })).nullish(),
      artifact: external_exports.looseObject({ name: external_exports.string(), version: external_exports.string().optional(), purl: external_exports.string().optional() })
    })
  ),
  descriptor: external_exports.looseObject({ name: external_exports.string().optional(), version: external_exports.string().optional() }).optional()
});
function findingsFromGrype(report, sbom) {
  const parsed = GrypeReportSchema.safeParse(report);
  if (!parsed.success) {
    throw new UserError(SbomErrorCode.ScannerFailed, `grype's report is not in the format this version of Potions reads: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
  }
  return parsed.data.matches.map((m) => {
    const v = m.vulnerability;
    const related = m.relatedVulnerabilities ?? [];
    const rating = rateVectors([v, ...related].flatMap((x) => (x.cvss ?? []).flatMap((c) => c.vector ? [c.vector] : [])));
    const fixes = v.fix?.state === "fixed" ? v.fix.versions ?? [] : [];
    const description = v.description ?? related.find((r) => r.description)?.description;
    const url = v.dataSource || v.urls?.[0];
    return {
      id: v.id,
      aliases: [...new Set(related.map((r) => r.id))].filter((id) => id !== v.id).sort(),
      ...description ? { summary: description.split("\n")[0].slice(0, 300) } : {},
      severity: rating?.severity ?? "unknown",
      ...rating ? { cvss: { version: rating.version, vector: rating.vector, score: rating.score } } : {},
      package: { name: m.artifact.name, ...m.artifact.version ? { version: m.artifact.version } : {}, ...m.artifact.purl ? { purl: m.artifact.purl } : {} },
      ...fixes[0] ? { fixedVersion: fixes[0] } : {},
      ...url ? { url } : {},
      scanner: "grype",
      ...m.matchDetails?.[0]?.type ? { matchedBy: m.matchDetails[0].type } : {},
      sbom
    };
  });
}
var GrypeScanner = class _GrypeScanner {
  constructor(options, description) {
    this.options = options;
    this.description = description;
  }
  options;
  description;
  name = "grype";
  static async create(options) {
    const version = await programVersion(options.exec, [options.program, "version"], options.env);
    return new _GrypeScanner(options, `grype ${version ?? "(version unknown)"} (${options.program})`);
  }
  async scan(doc) {
    const report = await runForJsonReport({
      exec: this.options.exec,
      env: this.options.env,
      argv: [this.options.program, `sbom:${doc.file}`, "-o", "json", "--file", "{report}", "--add-cpes-if-none"],
      what: "grype",
      timeoutMs: this.options.timeoutMs ?? 6e5
    });
    return findingsFromGrype(report, doc.file);
  }
};

// packages/sbom/src/scanners/osv-scanner.ts
import path3 from "node:path";

// packages/sbom/src/osv.ts
import { promises as fs4 } from "node:fs";
import path2 from "node:path";

// packages/sbom/src/osv-ranges.ts
var import_semver = __toESM(require_semver(), 1);
function comparatorFor(type) {
  if (type === "SEMVER") return compareSemver;
  if (type === "ECOSYSTEM") return compareVersions;
  return void 0;
}
function compareSemver(a, b) {
  const x = import_semver.default.valid(a);
  const y = import_semver.default.valid(b);
  return x && y ? import_semver.default.compare(x, y) : compareVersions(a, b);
}
function evaluateRange(range, version) {
  const cmp2 = comparatorFor(range.type);
  if (!cmp2) return evaluateGitRange(range, version);
  const value = (e) => e.introduced ?? e.fixed ?? e.last_affected ?? e.limit;
  const order = (a, b) => a === b ? 0 : a === "0" ? -1 : b === "0" ? 1 : cmp2(a, b);
  const limits = range.events.filter((e) => e.limit !== void 0).map((e) => e.limit);
  if (limits.length > 0 && !limits.some((l) => l.includes("*") || order(version, l) < 0)) return { affected: false };
  const events = range.events.filter((e) => e.limit === void 0 && value(e) !== void 0);
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => order(value(a.e), value(b.e)) || a.i - b.i);
  let affected = false;
  for (const { e } of sorted) {
    if (e.introduced !== void 0 && order(version, e.introduced) >= 0) affected = true;
    else if (e.fixed !== void 0 && order(version, e.fixed) >= 0) affected = false;
    else if (e.last_affected !== void 0 && order(version, e.last_affected) > 0) affected = false;
  }
  if (!affected) return { affected: false };
  const fixed = sorted.find(({ e }) => e.fixed !== void 0 && order(e.fixed, version) > 0)?.e.fixed;
  return { affected: true, ...fixed ? { fixed } : {} };
}
function evaluateGitRange(range, commit) {
  if (!/^[0-9a-f]{40}$/i.test(commit)) return void 0;
  const same2 = (c) => c !== void 0 && c.toLowerCase() === commit.toLowerCase();
  if (range.events.some((e) => same2(e.fixed) || same2(e.limit))) return { affected: false };
  if (range.events.some((e) => same2(e.introduced) || same2(e.last_affected))) return { affected: true };
  return void 0;
}

// packages/sbom/src/osv.ts
var EventSchema = external_exports.union([
  external_exports.strictObject({ introduced: external_exports.string().min(1) }),
  external_exports.strictObject({ fixed: external_exports.string().min(1) }),
  external_exports.strictObject({ last_affected: external_exports.string().min(1) }),
  external_exports.strictObject({ limit: external_exports.string().min(1) })
]);
var SeveritySchema = external_exports.array(external_exports.looseObject({ type: external_exports.string(), score: external_exports.string() }));
var OsvRecordSchema = external_exports.looseObject({
  id: external_exports.string().min(1),
  modified: external_exports.string().optional(),
  withdrawn: external_exports.string().optional(),
  aliases: external_exports.array(external_exports.string()).optional(),
  upstream: external_exports.array(external_exports.string()).optional(),
  summary: external_exports.string().optional(),
  details: external_exports.string().optional(),
  severity: SeveritySchema.optional(),
  affected: external_exports.array(
    external_exports.looseObject({
      package: external_exports.looseObject({ ecosystem: external_exports.string().optional(), name: external_exports.string().optional(), purl: external_exports.string().optional() }).optional(),
      severity: SeveritySchema.optional(),
      ranges: external_exports.array(
        external_exports.looseObject({ type: external_exports.enum(["SEMVER", "ECOSYSTEM", "GIT"]), repo: external_exports.string().optional(), events: external_exports.array(EventSchema).min(1) }).refine((r) => r.type !== "GIT" || r.repo, "a GIT range needs a repo")
      ).optional(),
      versions: external_exports.array(external_exports.string()).optional(),
      database_specific: external_exports.unknown().optional()
    })
  ).optional(),
  references: external_exports.array(external_exports.looseObject({ type: external_exports.string().optional(), url: external_exports.string() })).optional(),
  database_specific: external_exports.unknown().optional()
});
async function loadOsvDirectory(dir) {
  const files = await listJson(dir).catch((err) => {
    throw new UserError(SbomErrorCode.OsvFolder, `cannot read the OSV folder ${dir}: ${errorMessage(err)}`, {
      location: { file: dir },
      hint: "give a folder of OSV JSON records (one record per file, as osv.dev exports them)"
    });
  });
  if (files.length === 0) {
    throw new UserError(SbomErrorCode.OsvFolder, `the OSV folder ${dir} holds no record (*.json)`, {
      location: { file: dir },
      hint: "a scan against no advisories would pass by silence: give a folder of OSV JSON records"
    });
  }
  const records = [];
  for (const file of files.sort()) {
    let data;
    try {
      data = JSON.parse(await fs4.readFile(file, "utf8"));
    } catch (err) {
      throw new UserError(SbomErrorCode.OsvRecord, `the OSV record ${file} is not JSON: ${errorMessage(err)}`, { location: { file } });
    }
    const parsed = OsvRecordSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.join(".");
      throw new UserError(SbomErrorCode.OsvRecord, `${file} is not an OSV record: ${field ? `${field}: ` : ""}${issue.message}`, {
        location: { file, field: field || void 0 },
        hint: "see https://ossf.github.io/osv-schema/"
      });
    }
    if (!parsed.data.withdrawn) records.push(parsed.data);
  }
  return records;
}
async function listJson(dir) {
  const out = [];
  for (const e of await fs4.readdir(dir, { withFileTypes: true })) {
    const p = path2.join(dir, e.name);
    if (e.isDirectory()) out.push(...await listJson(p));
    else if (e.isFile() && e.name.endsWith(".json")) out.push(p);
  }
  return out;
}
var ECOSYSTEM_PURL_TYPE = {
  npm: "npm",
  PyPI: "pypi",
  "crates.io": "cargo",
  Go: "golang",
  Maven: "maven",
  NuGet: "nuget",
  RubyGems: "gem",
  Packagist: "composer",
  Hex: "hex",
  Pub: "pub",
  ConanCenter: "conan",
  Debian: "deb",
  Ubuntu: "deb",
  Alpine: "apk",
  "GitHub Actions": "github",
  SwiftURL: "swift"
};
function matchOsv(records, doc) {
  const findings = [];
  for (const component of doc.components) {
    if (!component.version) continue;
    for (const record of records) {
      const hit = matchRecord(record, component, component.version);
      if (hit) findings.push(toFinding(record, hit, component, doc.file));
    }
  }
  return findings;
}
function matchRecord(record, component, version) {
  for (const affected of record.affected ?? []) {
    const matchedBy = packageMatch(affected, component);
    if (!matchedBy) continue;
    const ranges = affected.ranges ?? [];
    const inList = (affected.versions ?? []).some((listed) => listed === version || /^\D/.test(listed) && sameVersion(listed, version));
    const verdicts = ranges.map((r) => evaluateRange(r, version));
    const inRange = verdicts.find((v) => v?.affected);
    if (verdicts.some((v, i) => v && !v.affected && ranges[i].type === "GIT")) continue;
    if (!inList && !inRange) continue;
    const gitFix = ranges.flatMap((r) => r.type === "GIT" ? r.events.flatMap((e) => "fixed" in e ? [e.fixed] : []) : [])[0];
    return { affected, matchedBy, ...inRange?.fixed ? { fixed: inRange.fixed } : firstFixed(ranges, version), ...gitFix ? { fixedCommit: gitFix } : {} };
  }
  return void 0;
}
function firstFixed(ranges, version) {
  for (const r of ranges) {
    const v = r.type === "GIT" ? void 0 : evaluateRange(r, version);
    if (v?.fixed) return { fixed: v.fixed };
  }
  return {};
}
function packageMatch(affected, component) {
  const pkg = affected.package;
  const own = component.purl ? parsePurl(component.purl) : void 0;
  if (pkg?.purl && own) {
    const theirs = parsePurl(pkg.purl);
    if (theirs && same(theirs.type, own.type) && same(theirs.namespace ?? "", own.namespace ?? "") && same(theirs.name, own.name)) return "purl";
  }
  if (pkg?.ecosystem && pkg.name && own) {
    const type = ECOSYSTEM_PURL_TYPE[pkg.ecosystem.split(":")[0]];
    const full = own.namespace ? `${own.namespace}${own.type === "maven" ? ":" : "/"}${own.name}` : own.name;
    if (type && same(type, own.type) && (same(pkg.name, full) || same(pkg.name, own.name))) return "ecosystem";
  }
  if (pkg?.purl || pkg?.ecosystem) return void 0;
  for (const r of affected.ranges ?? []) {
    if (r.type !== "GIT" || !r.repo) continue;
    const repo = normalizeRepoUrl(r.repo);
    if (component.repository) {
      if (component.repository === repo) return "repository";
    } else if (same(repo.split("/").pop() ?? "", component.name)) return "repository name";
  }
  return void 0;
}
var same = (a, b) => a.toLowerCase() === b.toLowerCase();
function toFinding(record, hit, component, sbom) {
  const vectors = [...hit.affected.severity ?? [], ...record.severity ?? []].map((s) => s.score);
  const rating = rateVectors([...vectors, ...vectorsIn(hit.affected.database_specific), ...vectorsIn(record.database_specific)]);
  const aliases = [.../* @__PURE__ */ new Set([...record.aliases ?? [], ...record.upstream ?? []])].filter((a) => a !== record.id).sort();
  const url = record.references?.find((r) => r.type === "ADVISORY")?.url ?? record.references?.[0]?.url;
  return {
    id: record.id,
    aliases,
    ...record.summary || record.details ? { summary: (record.summary ?? record.details.split("\n")[0]).slice(0, 300) } : {},
    severity: rating?.severity ?? "unknown",
    ...rating ? { cvss: { version: rating.version, vector: rating.vector, score: rating.score } } : {},
    package: { name: component.name, ...component.version ? { version: component.version } : {}, ...component.purl ? { purl: component.purl } : {} },
    ...hit.fixed ? { fixedVersion: hit.fixed } : {},
    ...hit.fixedCommit ? { fixedCommit: hit.fixedCommit } : {},
    ...url ? { url } : {},
    scanner: "osv",
    matchedBy: hit.matchedBy,
    sbom
  };
}
function vectorsIn(value) {
  if (typeof value === "string") return /^(CVSS:[34]\.[01]\/|AV:[LAN]\/AC:)/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(vectorsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(vectorsIn);
  return [];
}

// packages/sbom/src/scanners/osv-scanner.ts
var OsvFolderScanner = class _OsvFolderScanner {
  constructor(records, description) {
    this.records = records;
    this.description = description;
  }
  records;
  description;
  name = "osv";
  static async fromDirectory(dir) {
    const records = await loadOsvDirectory(dir);
    return new _OsvFolderScanner(records, `OSV records in ${path3.resolve(dir)} (${records.length})`);
  }
  async scan(doc) {
    return matchOsv(this.records, doc);
  }
};

// packages/sbom/src/scanners/trivy.ts
var TrivyVulnerability = external_exports.looseObject({
  VulnerabilityID: external_exports.string().min(1),
  VendorIDs: external_exports.array(external_exports.string()).nullish(),
  PkgName: external_exports.string(),
  PkgIdentifier: external_exports.looseObject({ PURL: external_exports.string().optional() }).optional(),
  InstalledVersion: external_exports.string().optional(),
  FixedVersion: external_exports.string().optional(),
  PrimaryURL: external_exports.string().optional(),
  Title: external_exports.string().optional(),
  Description: external_exports.string().optional(),
  CVSS: external_exports.record(external_exports.string(), external_exports.looseObject({ V2Vector: external_exports.string().optional(), V3Vector: external_exports.string().optional(), V40Vector: external_exports.string().optional() })).nullish()
});
var TrivyReportSchema = external_exports.looseObject({
  SchemaVersion: external_exports.number().optional(),
  Results: external_exports.array(external_exports.looseObject({ Target: external_exports.string().optional(), Vulnerabilities: external_exports.array(TrivyVulnerability).nullish() })).nullish()
});
function findingsFromTrivy(report, sbom) {
  const parsed = TrivyReportSchema.safeParse(report);
  if (!parsed.success) {
    throw new UserError(SbomErrorCode.ScannerFailed, `trivy's report is not in the format this version of Potions reads: ${parsed.error.issues[0].path.join(".")}: ${parsed.error.issues[0].message}`);
  }
  return (parsed.data.Results ?? []).flatMap(
    (r) => (r.Vulnerabilities ?? []).map((v) => {
      const vectors = Object.values(v.CVSS ?? {}).flatMap((c) => [c.V40Vector, c.V3Vector, c.V2Vector].filter((x) => Boolean(x)));
      const rating = rateVectors(vectors);
      const fixed = v.FixedVersion?.split(",")[0]?.trim();
      const summary = v.Title ?? v.Description?.split("\n")[0];
      return {
        id: v.VulnerabilityID,
        aliases: [...new Set(v.VendorIDs ?? [])].filter((id) => id !== v.VulnerabilityID).sort(),
        ...summary ? { summary: summary.slice(0, 300) } : {},
        severity: rating?.severity ?? "unknown",
        ...rating ? { cvss: { version: rating.version, vector: rating.vector, score: rating.score } } : {},
        package: { name: v.PkgName, ...v.InstalledVersion ? { version: v.InstalledVersion } : {}, ...v.PkgIdentifier?.PURL ? { purl: v.PkgIdentifier.PURL } : {} },
        ...fixed ? { fixedVersion: fixed } : {},
        ...v.PrimaryURL ? { url: v.PrimaryURL } : {},
        scanner: "trivy",
        sbom
      };
    })
  );
}
var TrivyScanner = class _TrivyScanner {
  constructor(options, description) {
    this.options = options;
    this.description = description;
  }
  options;
  description;
  name = "trivy";
  static async create(options) {
    const version = await programVersion(options.exec, [options.program, "--version"], options.env);
    return new _TrivyScanner(options, `trivy ${version ?? "(version unknown)"} (${options.program})`);
  }
  async scan(doc) {
    const report = await runForJsonReport({
      exec: this.options.exec,
      env: this.options.env,
      argv: [this.options.program, "sbom", "--format", "json", "--output", "{report}", "--quiet", doc.file],
      what: "trivy",
      timeoutMs: this.options.timeoutMs ?? 6e5
    });
    return findingsFromTrivy(report, doc.file);
  }
};

// packages/sbom/src/scan.ts
var SCANNER_CHOICES = ["auto", "grype", "trivy", "osv"];
async function selectScanner(options) {
  const exec = options.exec ?? spawnExec;
  const locate = async (name) => options.programs?.[name] ?? await findProgram(name, options.env);
  const program = async (name) => {
    const found = await locate(name);
    if (!found) return void 0;
    return name === "grype" ? GrypeScanner.create({ program: found, exec, env: options.env }) : TrivyScanner.create({ program: found, exec, env: options.env });
  };
  switch (options.choice) {
    case "grype":
    case "trivy": {
      const s = await program(options.choice);
      if (!s) {
        throw new UserError(SbomErrorCode.ScannerMissing, `${options.choice} is not installed (not on the PATH)`, {
          hint: `install ${options.choice}, or scan offline against a folder of OSV records`
        });
      }
      return s;
    }
    case "osv":
      if (!options.osvDir) throw new UserError(SbomErrorCode.ScannerMissing, "the OSV scanner needs a folder of OSV records", { hint: "give the folder of OSV JSON records to match against" });
      return OsvFolderScanner.fromDirectory(options.osvDir);
    case "auto": {
      const s = await program("grype") ?? await program("trivy");
      if (s) return s;
      if (options.osvDir) return OsvFolderScanner.fromDirectory(options.osvDir);
      throw new UserError(SbomErrorCode.ScannerMissing, "no vulnerability scanner: neither grype nor trivy is on the PATH, and no folder of OSV records was given", {
        hint: "install grype, or give a folder of OSV records to scan against offline"
      });
    }
  }
}
async function scanSboms(options) {
  const now = (options.now ?? systemNow)();
  const reporter = options.reporter ?? silentReporter;
  const sboms = options.sboms.map((s) => path4.resolve(s));
  if (options.scan === false) {
    const by = options.scanDecidedBy ? ` (${options.scanDecidedBy})` : "";
    return skippedReport(`the recipe turned vulnerability scanning off (security.scan_vulnerabilities: false)${by}`, sboms, options.failOn, now);
  }
  if (!options.scanner) throw new Error("scanSboms: a scanner is needed when scan is not false");
  const findings = [];
  let packages = 0;
  for (const file of sboms) {
    const doc = await readSbomFile(file);
    packages += doc.components.length;
    reporter.info(`scanning ${path4.basename(file)} (${doc.components.length} packages) with ${options.scanner.description}`);
    for (const f of await options.scanner.scan(doc)) findings.push({ ...f, ...doc.recipeFile ? { recipeFile: doc.recipeFile } : {} });
  }
  return buildReport({
    findings,
    failOn: options.failOn,
    ...options.allowList ? { allowList: options.allowList } : {},
    now,
    scanner: { name: options.scanner.name, description: options.scanner.description },
    sboms,
    packages
  });
}

export {
  SbomErrorCode,
  readAllowList,
  githubRepoOf,
  packagePurl,
  repositoryOf,
  FAIL_ON_LEVELS,
  FINDINGS_TABLE_HEADERS,
  findingsTableRows,
  reportVerdict,
  SCANNER_CHOICES,
  selectScanner,
  scanSboms
};
