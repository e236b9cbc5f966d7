/**
 * One agency, one year: the registry's report URL when given, else its list pages → the chosen
 * candidate → its documents. Every agency ends with a status (found / not-found / unreachable /
 * blocked / address-broken) and its reason; nothing is thrown.
 */
import type { AgencyRunOutcome, FetchStatus } from '../../storage/records.ts';
import { userFacingError } from '../errors.ts';
import { chooseCandidate } from '../title-match.ts';
import {
  type AgencyContext,
  addFinding,
  brokenAddress,
  loadPreviousMetas,
  PageGone,
  ScanStop,
  statusOf,
} from './context.ts';
import { collectDocuments, latestArchivedArticle, recheckArchived } from './documents.ts';
import { discover } from './listing.ts';
import {
  DEFAULT_AGENCY_BUDGET_MS,
  FETCH_RULES,
  type ScanAgencyDeps,
  type ScannableAgency,
  type ScanOutcome,
} from './types.ts';

/**
 * Scans one agency for one year. Never throws: every failure becomes the outcome's status and error.
 */
export async function scanAgency(agency: ScannableAgency, year: number, deps: ScanAgencyDeps): Promise<ScanOutcome> {
  const budgetMs = Math.max(1, deps.agencyBudgetMs ?? DEFAULT_AGENCY_BUDGET_MS);
  const context: AgencyContext = {
    agency,
    year,
    deps,
    findings: [],
    pagesFetched: 0,
    previous: new Map(),
    deadline: deps.now().getTime() + budgetMs,
    budgetMs,
    overBudget: null,
    cancel: new AbortController(),
  };
  let evidence: Pick<AgencyRunOutcome, 'candidates' | 'chosenBecause'> = {};
  const outcome = (status: FetchStatus, snapshots: string[], error?: string, errorDetail?: string): ScanOutcome => ({
    agencyId: agency.id,
    year,
    status,
    snapshots,
    findings: context.findings,
    ...(error ? { error } : {}),
    ...(errorDetail ? { errorDetail } : {}),
    pagesFetched: context.pagesFetched,
    ...evidence,
    ...(context.robots ? { robots: context.robots } : {}),
  });
  try {
    context.previous = await loadPreviousMetas(deps.store, year, agency.id);
    const direct = agency.reportUrls?.[String(year)];
    if (direct) {
      evidence = { chosenBecause: `名录为${year}年指定了报告地址` };
      const stored = await collectDocuments(context, direct, {
        title: null,
        candidate: null,
        chosenBecause: `名录为${year}年指定了报告地址`,
      }).catch(async (error: unknown) => {
        throw error instanceof PageGone ? await brokenAddress(context, error, `名录为${year}年指定的报告地址`) : error;
      });
      return outcome(
        'found',
        stored.map((s) => s.key),
      );
    }
    if (agency.listUrls.length === 0) return outcome('not-found', [], '名录未给出信息公开年报栏目地址');

    const { candidates, jsRendered } = await discover(context);
    const choice = chooseCandidate(candidates, year, agency.name);
    evidence = {
      candidates: choice.ranked.slice(0, 20).map((c) => ({
        title: c.title,
        url: c.url,
        ...(c.listDate ? { listDate: c.listDate } : {}),
        year: c.year,
        score: c.score,
        chosen: c === choice.chosen,
      })),
      chosenBecause: choice.chosenBecause,
    };
    if (!choice.chosen) {
      if (jsRendered) {
        addFinding(context, {
          rule: FETCH_RULES.jsRenderedList,
          severity: 'warning',
          message: '列表页内容由 JavaScript 动态加载，普通抓取看不到文章列表；需要为该网站配置数据接口或报告地址',
        });
        return outcome('not-found', [], '列表由 JavaScript 渲染，无法读取（不代表未发布报告）');
      }
      addFinding(context, { rule: FETCH_RULES.noCandidate, severity: 'info', message: choice.chosenBecause });
      const archived = latestArchivedArticle(context.previous, year);
      if (archived) return await recheckArchived(context, archived, outcome);
      return outcome('not-found', [], choice.chosenBecause);
    }
    const sameYear = choice.ranked.filter((c) => c.year === year && !c.otherAgency);
    if (sameYear.length > 1) {
      addFinding(context, {
        rule: FETCH_RULES.severalCandidates,
        severity: 'info',
        message: `${choice.chosenBecause}（候选：${sameYear.map((c) => `“${c.title}”`).join('、')}）`,
      });
    }
    const stored = await collectDocuments(context, choice.chosen.url, {
      title: choice.chosen.title,
      candidate: choice.chosen,
      chosenBecause: choice.chosenBecause,
    });
    return outcome(
      'found',
      stored.map((s) => s.key),
    );
  } catch (error) {
    if (error instanceof ScanStop && error === context.overBudget) {
      addFinding(context, { rule: FETCH_RULES.agencyBudget, severity: 'warning', message: error.message });
    }
    const shown = error instanceof ScanStop ? { message: error.message } : userFacingError(error);
    return outcome(statusOf(error), [], shown.message, shown.detail);
  } finally {
    context.cancel.abort();
  }
}
