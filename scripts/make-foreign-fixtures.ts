/**
 * Writes test/fixtures/foreign/vendor-a-claims.txt: a small settlement export in vendor A's layout
 * (see examples/mappings/vendor-a-claims.yaml), GBK-encoded as the HIS writes it. The bytes are
 * committed; rerun only to change the fixture:  npx tsx scripts/make-foreign-fixtures.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** GB 11643 check digit, so the fixture's ID numbers are valid ones. */
function idNumber(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

const WANG = idNumber('33010619650412301'); // 王 (male)
const LI = idNumber('33010219781123402'); // 李 (female)
const ZHANG = idNumber('33010520100305211'); // 张, a child
const CHEN = idNumber('33010819520818603');

const HEADER = 'JSLSH|JSSJ|JZLX|DDJGBM|KSMC|YSBM|KH|CBRSFZH|JZRSFZH|SFHYFS|ZDBM|ZDMC|RYRQ_CYRQ|WPCFH|CFYSBM|CFJGBM|MXTS|ZFY|JJZF|GRZF';

// Columns as in HEADER. Amounts in fen; fund + self = total.
const ROWS: string[][] = [
  ['202401030001', '20240103091512', '11', 'H33010000012', '内科', 'YS0012', 'A12345678', WANG, WANG, '1', 'E11.9', '2型糖尿病', '', '', '', '', '3', '15680', '10976', '4704'],
  ['202401100007', '20240110163000', '21', 'H33010000012', '心血管内科', 'YS0031', 'EV1234567890123456', CHEN, '', '0', 'I21.9', '急性心肌梗死', '20240103~20240110', '', '', '', '42', '2894550', '2315640', '578910'],
  ['202401050003', '20240105142233', '41', 'P33010000345', '', '', 'B87654321', LI, LI, '2', 'J06.9', '急性上呼吸道感染', '~', 'RX20240105000123', 'YS0012', 'H33010000012', '2', '3650', '2920', '730'],
  ['202401060011', '20240106080105', '11', 'H33010000012', '儿科  ', 'YS0044', 'C11223344', ZHANG, ZHANG, '1', 'J40', '支气管炎', '', '', '', '', '4', '8820', '6174', '2646'],
  ['202401070002', '20240107103020', '14', 'H33010000012', '内科', 'YS0012', 'A12345678', WANG, '', '0', 'I10', '原发性高血压', '', '', '', '', '2', '25600', '23040', '2560'],
  ['202401080019', '20240108153344', '11', 'H33010000056', '消化内科', 'YS0107', 'B87654321', LI, LI, '2', 'K29.5', '慢性胃炎', '', '', '', '', '5', '43210', '30247', '12963'],
  ['202401150004', '20240115100000', '21', 'H33010000056', '骨科', 'YS0120', 'EV6543210987654321', LI, LI, '1', 'M51.2', '腰椎间盘突出', '20240108~20240115', '', '', '', '57', '3125099', '2500079', '625020'],
  ['202401090008', '20240109194501', '41', 'P33010000345', '', '', 'A12345678', WANG, '', '0', 'E11.9', '2型糖尿病', '', '', '', '', '1', '5', '4', '1'],
  ['202402010030', '20240201112233', '21', 'H33010000012', '神经内科', 'YS0031', 'EV1234567890123456', CHEN, CHEN, '1', 'I63.9', '脑梗死', '20240120~20240201', '', '', '', '88', '4567800', '3654240', '913560'],
  ['202401310021', '20240131235959', '11', 'H33010000056', '心血管内科', 'YS0107', 'C11223344', ZHANG, '', '0', 'I25.1', '动脉粥样硬化性心脏病', '', '', '', '', '2', '12000', '9600', '2400'],
];

// HIS exports end lines with CRLF.
const text = [HEADER, ...ROWS.map((row) => row.join('|'))].join('\r\n') + '\r\n';
const target = path.join(ROOT, 'test/fixtures/foreign/vendor-a-claims.txt');
writeFileSync(target, iconv.encode(text, 'gbk'));
console.log(`wrote ${ROWS.length} rows to ${path.relative(ROOT, target)}`);
