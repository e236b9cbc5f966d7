// Every rule id with its Chinese description, for docs and the site. A test checks that every id any rule
// emits is listed here.
import type { RuleInfo } from './rule-info.ts';
import { YOY_RULE_INFO } from './yoy.ts';

export type { RuleInfo };

export const RULE_CATALOGUE: RuleInfo[] = [
  // ---- struct / content / extract ----
  {
    id: 'struct.section-missing',
    severity: 'error',
    title: '缺少报告章节',
    description: '年度报告应包含一至六共六个部分（总体情况、主动公开、依申请公开、复议诉讼、问题及改进、其他事项）。',
    example: '报告没有“五、存在的主要问题及改进情况”部分。',
  },
  {
    id: 'struct.no-sections',
    severity: 'error',
    title: '未识别出任何章节',
    description: '文件中找不到年度报告的任何章节标题，可能不是年度报告，或文本提取失败。',
    example: '上传的是一份通知或一张图片，而非年度报告。',
  },
  {
    id: 'struct.table-missing',
    severity: 'error',
    title: '缺少统计表格',
    description: '第二、三、四部分应以模板表格填报数据；该部分存在但读不出表格。',
    example: '第三部分只有文字“本年度未收到申请”，没有申请情况表。',
  },
  {
    id: 'struct.column-missing',
    severity: 'warning',
    title: '表格缺列（疑似提取损坏）',
    description:
      '表格某列在读出的内容中缺失，通常是读取造成的（PDF 转文字、网页或 DOCX 表格的合并单元格错位等，提示中写明具体原因），而非机关填报错误；能由算术关系唯一确定的数值已推算补全并标明。',
    example: '表三各行缺少“其他”列：予以公开一行只有 37 0 0 0 0 46 六个数，“其他”按 46−37＝9 推算。',
  },
  {
    id: 'struct.row-unreadable',
    severity: 'warning',
    title: '表格行无法识别',
    description: '表格中有一行的标签或数字无法识别，相关数字按未知处理。',
    example: '表三中出现一行“（三）不予公开 9.其他”，模板中没有该项。',
  },
  {
    id: 'struct.blank-cell',
    severity: 'warning',
    title: '表格存在空白单元格',
    description: '单元格为空白或填“/”“—”，按未知处理（不当作 0），每个表格汇总报告一次。',
    example: '表三有 12 个单元格填为“/”，相关勾稽关系无法核验。',
  },
  {
    id: 'content.section-empty',
    severity: 'warning',
    title: '章节内容为空',
    description: '总体情况、存在的主要问题及改进情况等部分没有内容或只写“无”。',
    example: '“五、存在的主要问题及改进情况”下只有一个“无”字。',
  },
  {
    id: 'extract.no-text',
    severity: 'error',
    title: '扫描件，无法自动核验',
    description:
      '文件中提取不到文字（多为扫描图片版 PDF），系统无法读取表格和数字；这是系统读取能力的限制，不代表报告有误，需人工核对原件。该机关的状态记为“无法解析”。',
    example: '报告 PDF 每页都是扫描图片，未安装 OCR。',
  },
  {
    id: 'extract.ocr',
    severity: 'info',
    title: '扫描件已用 OCR 识别',
    description:
      '扫描件在安装了 Tesseract 的机器上经 OCR 识别文字；识别出的数字均标为 OCR 来源，勾稽关系不符只作“OCR 结果需人工核对”的警告，不判定为错误；扫描件本身仍记为“无法解析”。',
    example: '3 页扫描件经 OCR 识别，表三“（一）予以公开”一行各列之和与总计不符，提示人工核对。',
  },
  {
    id: 'extract.cells-run-together',
    severity: 'warning',
    title: '表格单元格粘连，无法可靠拆分',
    description:
      '网页转存为文本时表格各单元格连在一起（如“本年新收政府信息公开申请数量21710000218”），且没有唯一一种满足表中勾稽关系的拆法；该表不作核验，不据此指责机关，需人工核对原件。只有一种拆法成立时按该拆法读取并注明。',
    example: '表三各行数字连写，“121010014”可拆成多种 7 个数的组合。',
  },
  {
    id: 'extract.failed',
    severity: 'error',
    title: '文件无法读取',
    description:
      '文件格式不受支持、已损坏或读取程序出错，系统没有读到任何文字；不据此对报告的标题、章节或表格下任何结论，需人工核对原件。该机关的状态记为“无法解析”。',
    example: '附件为早期金山 WPS 专有格式的 .wps 文件（不是 Word 97 兼容格式）。',
  },
  {
    id: 'extract.parse-failed',
    severity: 'error',
    title: '文件无法解析',
    description: '文件损坏、格式不受支持或内容无法读取。',
    example: '扩展名为 .pdf 的文件实为一段 HTML 错误页。',
  },
  {
    id: 'extract.damage',
    severity: 'info',
    title: '文本提取可能有损坏',
    description: '提取出的文字有缺字、粘连或乱码迹象，相关结果请对照原件确认。',
    example: '“自20231月1日起”中年份与月份粘连。',
  },
  {
    id: 'extract.value-inferred',
    severity: 'info',
    title: '缺失数值已按算术推算',
    description: '原文缺失的单元格，在算术关系能唯一确定时已推算补全，并标明为推算值。',
    example: '四、结转下年度继续办理一行缺“其他”列，由 1−1−0−0−0＝0 推算。',
  },
  {
    id: 'extract.truncated',
    severity: 'warning',
    title: '输入不完整',
    description: '文件被截断或过大而只读取了一部分，核验只覆盖已读取的内容。',
    example: '下载的 PDF 只有前两页。',
  },
  // ---- template ----
  {
    id: 'template.label-deviation',
    severity: 'warning',
    title: '表格标签与模板不一致',
    description: '表格中的栏目名称与国办公开办函〔2021〕30号模板原文不同。',
    example: '表二写“本年度止件数”，模板为“本年废止件数”。',
  },
  {
    id: 'template.version-mismatch',
    severity: 'error',
    title: '使用了旧版格式',
    description: '2021 年度及以后的报告仍使用 2019 年试行格式（国办公开办函〔2019〕60号）。',
    example: '2023 年度报告第三部分“（六）其他处理”只有一行，第二部分仍按“本年新制作数量”等栏目填报。',
  },
  {
    id: 'template.citation-wrong',
    severity: 'warning',
    title: '格式文件文号引用错误',
    description: '报告引用年度报告格式文件时写错文号。',
    example: '写作“国办发〔2021〕30号”，应为“国办公开办函〔2021〕30号”。',
  },
  // ---- arith ----
  {
    id: 'arith.row-total',
    severity: 'error',
    title: '申请人各列之和与总计不符',
    description:
      '表三每一行：自然人＋商业企业＋科研机构＋社会公益组织＋法律服务机构＋其他＝总计。有空白单元格时，若已填各列之和已超过总计（件数不可能为负），同样确定不符。',
    example: '“（一）予以公开”一行各列之和为 45，总计却填 46；或“其他”列空白，而其余各列之和 12 已超过总计 10。',
  },
  {
    id: 'arith.balance',
    severity: 'error',
    title: '收结不平衡',
    description: '表三每一列：一、本年新收＋二、上年结转＝三（七）总计＋四、结转下年度继续办理。',
    example:
      '总计列：99＋0＝100，而办理结果总计 98＋结转 1＝99；或结转下年度空白，而新收＋结转 10 少于办理结果总计 12。',
  },
  {
    id: 'arith.outcome-total',
    severity: 'error',
    title: '办理结果总计与各项之和不符',
    description: '表三每一列：（七）总计＝（一）＋（二）＋（三）1–8＋（四）1–3＋（五）1–5＋（六）1–3。',
    example: '自然人列各项办理结果之和为 87，（七）总计填 88。',
  },
  {
    id: 'arith.review-total',
    severity: 'error',
    title: '行政复议总计不符',
    description: '表四行政复议：结果维持＋结果纠正＋其他结果＋尚未审结＝总计。',
    example: '行政复议 1＋0＋0＋0，总计填 2。',
  },
  {
    id: 'arith.litigation-total',
    severity: 'error',
    title: '行政诉讼总计不符',
    description: '表四行政诉讼（未经复议直接起诉、复议后起诉）：四项结果之和＝总计。',
    example: '未经复议直接起诉 0＋0＋2＋0，总计填 3。',
  },
  {
    id: 'arith.ocr-check',
    severity: 'warning',
    title: 'OCR 结果需人工核对',
    description:
      '扫描件经文字识别（OCR）读出的数字不满足某条勾稽关系。识别可能把数字认错，因此只作提示而不判定为错误，请对照原件核对。',
    example: 'OCR 读出“（一）予以公开”一行各列之和 18，总计识别为 13（原件可能是 18）。',
  },
  {
    id: 'arith.not-assessable',
    severity: 'info',
    title: '勾稽关系无法核验',
    description: '某条勾稽关系涉及空白、“/”或无法识别的单元格，因空白不按 0 计而无法核验。',
    example: '“其他”列缺失且无法推算，该列的收结平衡无法核验。',
  },
  {
    id: 'template.intro-parts',
    severity: 'warning',
    title: '开头所列六个部分与格式不符',
    description:
      '报告开头“全文包括……六部分”所列的部分与年度报告格式的六个部分不一致，例如把“政府信息管理”“平台建设”（总体情况下的内容）列为部分。',
    example: '“全文包括总体情况、主动公开、依申请公开、政府信息管理、平台建设、其他需要报告的事项六个部分”。',
  },
  // ---- carryover ----
  {
    id: 'carryover.mismatch',
    severity: 'error',
    title: '上年结转与上年度报告不一致',
    description: '本年“二、上年结转”（每一列）应等于上一年度报告的“四、结转下年度继续办理”。',
    example: '2024 年度报告上年结转 0 件，2023 年度报告结转下年度 1 件。',
  },
  // ---- narrative ----
  {
    id: 'narrative.mismatch',
    severity: 'warning',
    title: '正文数字与表格不符',
    description:
      '正文（多在总体情况中）写明的申请、办理结果、复议诉讼件数与表三、表四不一致；合写的几类（“予以公开及部分公开 N 件”“不予公开、无法提供共 N 件”）按这几行之和核对；数字可为阿拉伯数字、全角数字或汉字数字（如“十一件”“两件”），“未收到政府信息公开申请”按 0 件核对。',
    example: '正文称“予以公开 258 件”，表三“（一）予以公开”总计为 275。',
  },
  {
    id: 'narrative.share',
    severity: 'warning',
    title: '正文百分比与件数不符',
    description:
      '正文“N 件，占 P%”所写比例应等于 N 占本年申请数（新收、新收加上年结转、或办理结果总计，或同句所写的总数）的比例，按所写位数四舍五入后核对。',
    example: '共收到申请 44 件，其中“网络申请 39 件，占 80.6%”，而 39÷44＝88.6%。',
  },
  {
    id: 'narrative.sum',
    severity: 'warning',
    title: '正文列举各项之和与总数不符',
    description: '正文“共 N …，其中 …”列举的各项之和不等于 N；或受理数与所列办理结果、结转数对不上。',
    example: '“累计公开信息 23 次，其中 … 2 次、1 次、11 次、1 次、3 次、1 次、5 次”合计 24 次。',
  },
  {
    id: 'carryover.in-force',
    severity: 'warning',
    title: '现行有效件数与上年不衔接',
    description:
      '表二规章、行政规范性文件：上年度现行有效件数＋本年制发－本年废止，应等于本年现行有效件数（需有上一年度报告）；文件失效而未计入废止时也会不一致，故为警告。',
    example: '2021 年现行有效 181 件，2022 年制发 5、废止 17，应为 169 件，却填报 159 件。',
  },
  // ---- plausibility ----
  {
    id: 'plausibility.copied-block',
    severity: 'warning',
    title: '复议后起诉一栏疑似复制',
    description: '表四“行政诉讼（复议后起诉）”五个数字与“行政复议”完全相同（且有案件），疑似复制了行政复议一栏。',
    example: '行政复议 6/1/0/0/7，复议后起诉也是 6/1/0/0/7。',
  },
  {
    id: 'plausibility.fee-unit',
    severity: 'warning',
    title: '收费金额单位疑似有误',
    description: '“行政事业性收费”以万元填报，金额对该级机关明显不合常理，疑似把“元”填进了“万元”栏。',
    example: '某县人民政府填报 5268464.2119 万元（约 527 亿元）。',
  },
  {
    id: 'plausibility.negative',
    severity: 'error',
    title: '出现负数',
    description: '件数和金额不可能为负。',
    example: '“二、上年结转”填 −1。',
  },
  {
    id: 'plausibility.non-integer',
    severity: 'error',
    title: '件数不是整数',
    description: '件数栏目应为整数（收费金额除外）。',
    example: '“行政许可”处理决定数量填 12.5。',
  },
  {
    id: 'plausibility.too-large',
    severity: 'error',
    title: '数字大得不可能',
    description: '单元格中的数字超过 2^53（约 9×10^15），不可能是真实的件数或金额；按无法核对处理，不作四舍五入。',
    example: '“规章”本年废止件数填 99999999999999999999。',
  },
  {
    id: 'plausibility.rules-township',
    severity: 'warning',
    title: '县乡机关填报了规章',
    description: '县乡两级机关无权制定规章，却填报规章制发或现行有效件数。',
    example: '某乡人民政府填报规章现行有效 3 件。',
  },
  // ---- meta ----
  {
    id: 'meta.title-not-found',
    severity: 'info',
    title: '文本中没有标题',
    description:
      '读取到的文本里没有标题行（常见于网页转存时未保留标题），正文也未写明发布机关或年度；不据此要求机关修改标题，如原件标题完整则无需处理。',
    example: '网页正文从“根据《中华人民共和国政府信息公开条例》…”开始，标题在网页的另一处。',
  },
  {
    id: 'meta.agency-unknown',
    severity: 'warning',
    title: '无法识别发布机关',
    description: '标题中没有写明机关全称。',
    example: '标题只写“2024年政府信息公开工作年度报告”。',
  },
  {
    id: 'meta.year-unknown',
    severity: 'warning',
    title: '无法识别报告年度',
    description: '标题中没有写明统计年度。',
    example: '标题为“××局政府信息公开工作年度报告”。',
  },
  {
    id: 'meta.period-mismatch',
    severity: 'warning',
    title: '统计时限与报告年度不符',
    description: '报告说明的统计时限起始年份与报告年度不同，疑似沿用往年文本。',
    example: '2024 年度报告写“统计时限为2023年1月1日至2023年12月31日”。',
  },
  {
    id: 'internal.rule-failed',
    severity: 'info',
    title: '内部错误：规则运行失败',
    description: '某条规则因程序错误未能运行；其余规则的结果不受影响。请向维护者报告。',
    example: '（不应出现）',
  },
  // ---- across years (described beside their checks in yoy.ts) ----
  ...YOY_RULE_INFO,
];

/** The catalogue entry of a rule id, if any. */
export function ruleInfo(id: string): RuleInfo | undefined {
  return RULE_CATALOGUE.find((rule) => rule.id === id);
}
