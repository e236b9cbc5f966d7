/**
 * The fetch-level findings a scan can record in a run outcome (AgencyRunOutcome.findings), described
 * like the report rules (RuleInfo) so the site's rule page and the docs can list them too.
 */
import type { RuleInfo } from '../rules/catalogue.ts';

export const FETCH_RULE_CATALOGUE: RuleInfo[] = [
  {
    id: 'fetch.encoding-suspect',
    severity: 'warning',
    title: '页面编码可疑',
    description: '按声明或探测到的字符集解码后仍有无法识别的字符（乱码），页面文字可能读错。',
    example: '页面声明 UTF-8，正文中夹杂无法解码的字节，解码后出现“�”。',
  },
  {
    id: 'fetch.js-rendered-list',
    severity: 'warning',
    title: '列表由 JavaScript 动态加载',
    description: '年报栏目页面是脚本外壳，文章列表由接口数据在浏览器中生成，普通抓取看不到；不代表未发布报告。',
    example: '栏目页只有 <div id="app"> 和 $.ajax 调用，没有任何文章链接。',
  },
  {
    id: 'fetch.date-disagreement',
    severity: 'info',
    title: '发布日期来源不一致',
    description:
      '头表发布日期、PubDate 元数据、列表日期、页面“发布时间”、网址中的日期之间相差一天以上；按既定顺序采用第一个来源，其余作为证据保留。',
    example: '头表发布日期 2024-02-20，PubDate 为 2024-02-21。',
  },
  {
    id: 'fetch.error-page',
    severity: 'warning',
    title: '附件链接返回错误页',
    description: '附件下载地址返回的是一个很小的网页（如“文件不存在”），而不是 PDF、Word 等文件。',
    example: 'downfile.jsp?filename=….pdf 返回 200 和一段弹窗脚本。',
  },
  {
    id: 'fetch.anti-bot',
    severity: 'warning',
    title: '网站反爬虫验证',
    description: '网站以 HTTP 412/403 或含验证脚本的页面应答，普通客户端无法通过，记为“被拦截”，而非“未发布”。',
    example: 'HTTP 412，页面含 $_ts 脚本和设置 Cookie 的挑战。',
  },
  {
    id: 'fetch.list-page-error',
    severity: 'info',
    title: '列表页或分页抓取失败',
    description: '某个列表地址或其后续分页无法抓取；其余列表仍继续查找。',
    example: '第 3 页返回 HTTP 404，第 1、2 页已读取。',
  },
  {
    id: 'fetch.attachment-error',
    severity: 'warning',
    title: '附件抓取失败',
    description: '报告附件无法下载（超时、超过大小上限、服务器错误等）。',
    example: '附件超过 50 MB 大小上限，已停止下载。',
  },
  {
    id: 'fetch.no-candidate',
    severity: 'info',
    title: '未找到本年度报告',
    description: '列表中没有标题符合“本机关 + 本年度 + 政府信息公开工作年度报告”的文章；列出年份或机关不符的候选。',
    example: '列表中只有 2022 年度报告和其他机关的 2023 年度报告。',
  },
  {
    id: 'fetch.several-candidates',
    severity: 'info',
    title: '同一年度有多个候选',
    description: '同一机关同一年度有多篇候选（如更正版），按标题、机关、年份、更正与日期选定一篇，并说明理由。',
    example: '“……年度报告”与“……年度报告（更正）”，选定更正版。',
  },
  {
    id: 'fetch.process-error',
    severity: 'warning',
    title: '存档文件处理失败',
    description: '已存档的文件在解析、校验环节出错（存储或程序错误），报告内容未能检查。',
    example: '读取存档元数据失败。',
  },
  {
    id: 'fetch.page-limited',
    severity: 'info',
    title: '页面超出解析限度',
    description:
      '列表页或文章页过大、标签嵌套过深或链接过多，为保护本次运行未按网页结构完整解析：列表页改用简单链接扫描，文章页只存档不查找附件。',
    example: '列表页有 5 万层嵌套的 <div>，改用简单链接扫描读取文章链接。',
  },
  {
    id: 'fetch.agency-budget',
    severity: 'warning',
    title: '超过机关抓取总时限',
    description:
      '一个机关的全部请求（列表页、文章页、附件）用时超过总时限，为不拖慢整次运行而停止，记为“无法访问”；不代表未发布报告。',
    example: '栏目 20 个分页每页都接近超时，180 秒后停止。',
  },
];
