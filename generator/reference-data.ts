/** Fixed reference lists: real prefecture codes and common Chinese name characters; synthetic everything else. */

export interface RegionSeed {
  code: string;
  name: string;
  province: string;
  lat: number;
  lon: number;
}

export const REGION_SEEDS: readonly RegionSeed[] = [
  { code: '330100', name: '杭州市', province: '浙江省', lat: 30.27, lon: 120.15 },
  { code: '320500', name: '苏州市', province: '江苏省', lat: 31.3, lon: 120.62 },
  { code: '440100', name: '广州市', province: '广东省', lat: 23.13, lon: 113.26 },
  { code: '420100', name: '武汉市', province: '湖北省', lat: 30.59, lon: 114.31 },
  { code: '510100', name: '成都市', province: '四川省', lat: 30.66, lon: 104.07 },
  { code: '370200', name: '青岛市', province: '山东省', lat: 36.07, lon: 120.38 },
  { code: '430100', name: '长沙市', province: '湖南省', lat: 28.23, lon: 112.94 },
  { code: '610100', name: '西安市', province: '陕西省', lat: 34.34, lon: 108.94 },
  { code: '410100', name: '郑州市', province: '河南省', lat: 34.75, lon: 113.62 },
  { code: '350100', name: '福州市', province: '福建省', lat: 26.07, lon: 119.3 },
  { code: '340100', name: '合肥市', province: '安徽省', lat: 31.82, lon: 117.23 },
  { code: '320100', name: '南京市', province: '江苏省', lat: 32.06, lon: 118.8 },
  { code: '330200', name: '宁波市', province: '浙江省', lat: 29.87, lon: 121.55 },
  { code: '440300', name: '深圳市', province: '广东省', lat: 22.54, lon: 114.06 },
  { code: '370100', name: '济南市', province: '山东省', lat: 36.65, lon: 117.12 },
  { code: '350200', name: '厦门市', province: '福建省', lat: 24.48, lon: 118.09 },
  { code: '320200', name: '无锡市', province: '江苏省', lat: 31.49, lon: 120.31 },
  { code: '440600', name: '佛山市', province: '广东省', lat: 23.02, lon: 113.12 },
  { code: '330300', name: '温州市', province: '浙江省', lat: 28.0, lon: 120.7 },
  { code: '320300', name: '徐州市', province: '江苏省', lat: 34.26, lon: 117.18 },
];

export const DISTRICT_NAMES = ['东城区', '西城区', '南湖区', '北塘区', '高新区', '经开区', '新城区', '滨江区'] as const;

export const STREETS = ['解放路', '人民路', '中山路', '建设路', '文化路', '和平路', '新华路', '胜利路', '东风路', '光明路', '长江路', '黄河路', '青年路', '朝阳路', '府前街', '学院路', '健康路', '迎宾大道'] as const;

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '潘', '袁', '蔡', '蒋', '余', '于', '杜', '叶', '程', '魏', '苏', '吕', '丁', '任', '卢', '姚', '沈', '钟', '姜', '崔', '谭', '陆', '范', '汪', '廖', '欧阳', '司马'] as const;

export const GIVEN_MALE = ['伟', '强', '磊', '军', '勇', '杰', '涛', '明', '超', '刚', '平', '辉', '鹏', '华', '飞', '斌', '宇', '浩', '凯', '健', '俊', '帆', '帅', '旭', '宁', '龙', '林', '波', '建国', '志强', '海', '峰', '国庆', '文', '博', '子轩', '昊', '晨', '东', '亮'] as const;

export const GIVEN_FEMALE = ['芳', '娜', '敏', '静', '丽', '艳', '娟', '霞', '燕', '玲', '桂英', '秀英', '婷', '雪', '慧', '琳', '洁', '倩', '颖', '萍', '红', '梅', '欣', '佳', '雨', '诗涵', '梓涵', '淑珍', '玉兰', '晶', '月', '蕾', '悦', '雯', '琴', '丹', '莉', '璐', '瑶', '薇'] as const;

export const PHARMACY_BRANDS = ['老百姓大药房', '益丰大药房', '大参林', '国大药房', '海王星辰', '一心堂', '漱玉平民大药房', '九州通大药房', '同仁堂药店', '民生大药房'] as const;

/** Hospital departments; every hospital staffs them in this order before doubling up (see population.ts). */
export const DEPARTMENTS = ['内科', '儿科', '外科', '全科', '急诊科', '妇产科', '心血管内科', '内分泌科', '呼吸内科', '骨科', '中医科', '康复科'] as const;
/** --profile varied: oncology and nephrology, staffed on top of the core departments (population.ts). */
export const SPECIALIST_DEPARTMENTS = ['肿瘤科', '肾内科'] as const;
export type Department = (typeof DEPARTMENTS)[number] | (typeof SPECIALIST_DEPARTMENTS)[number];

/** Community health centres and township hospitals: general practice first. */
export const CLINIC_DEPARTMENTS = ['全科', '中医科', '内科', '康复科'] as const satisfies readonly Department[];

export const DOCTOR_TITLES = ['住院医师', '住院医师', '主治医师', '主治医师', '副主任医师', '主任医师'] as const;
