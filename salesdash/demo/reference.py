"""The fixed facts of the demo company: geography, catalogue, channels, teams, calendar, templates.

Nothing here is random. The generator modules draw from these tables; ``salesdash/i18n/texts/demo_data.py``
translates every code listed here. Amounts are in RMB.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "City",
    "CITIES",
    "REGIONS",
    "CATEGORIES",
    "Product",
    "PRODUCTS",
    "Channel",
    "CHANNELS",
    "TEAMS",
    "TEAM_REGIONS",
    "GROUPS",
    "SEASONALITY",
    "COMPETITORS",
    "OUR_BRAND",
    "CampaignPlan",
    "CAMPAIGN_CALENDAR",
]

REGIONS: tuple[str, ...] = ("north", "northeast", "east", "south", "central", "southwest", "northwest")


@dataclass(frozen=True)
class City:
    name: str
    province: str
    region: str
    tier: int
    weight: float  # share of person customers, before normalising


# About 26 real cities, a few per region; weights roughly follow urban population and spending power.
CITIES: tuple[City, ...] = (
    City("Beijing", "Beijing", "north", 1, 6.0),
    City("Tianjin", "Tianjin", "north", 2, 2.6),
    City("Shijiazhuang", "Hebei", "north", 3, 1.8),
    City("Taiyuan", "Shanxi", "north", 3, 1.3),
    City("Zhangjiakou", "Hebei", "north", 4, 0.7),
    City("Shenyang", "Liaoning", "northeast", 2, 2.2),
    City("Dalian", "Liaoning", "northeast", 2, 1.8),
    City("Harbin", "Heilongjiang", "northeast", 2, 1.9),
    City("Changchun", "Jilin", "northeast", 3, 1.4),
    City("Qiqihar", "Heilongjiang", "northeast", 4, 0.7),
    City("Shanghai", "Shanghai", "east", 1, 7.0),
    City("Hangzhou", "Zhejiang", "east", 2, 3.6),
    City("Nanjing", "Jiangsu", "east", 2, 3.0),
    City("Suzhou", "Jiangsu", "east", 2, 2.8),
    City("Hefei", "Anhui", "east", 2, 2.0),
    City("Qingdao", "Shandong", "east", 2, 2.2),
    City("Xiamen", "Fujian", "east", 3, 1.4),
    City("Guangzhou", "Guangdong", "south", 1, 5.2),
    City("Shenzhen", "Guangdong", "south", 1, 5.4),
    City("Dongguan", "Guangdong", "south", 2, 2.0),
    City("Nanning", "Guangxi", "south", 3, 1.3),
    City("Shaoguan", "Guangdong", "south", 4, 0.6),
    City("Wuhan", "Hubei", "central", 2, 3.6),
    City("Changsha", "Hunan", "central", 2, 2.8),
    City("Zhengzhou", "Henan", "central", 2, 3.0),
    City("Jingzhou", "Hubei", "central", 4, 0.8),
    City("Chengdu", "Sichuan", "southwest", 2, 4.4),
    City("Chongqing", "Chongqing", "southwest", 2, 4.0),
    City("Kunming", "Yunnan", "southwest", 3, 1.8),
    City("Guiyang", "Guizhou", "southwest", 3, 1.4),
    City("Xi'an", "Shaanxi", "northwest", 2, 4.2),
    City("Lanzhou", "Gansu", "northwest", 3, 1.9),
    City("Urumqi", "Xinjiang", "northwest", 3, 1.8),
    City("Yinchuan", "Ningxia", "northwest", 4, 1.1),
)

CATEGORIES: tuple[str, ...] = ("electronics", "home_appliances", "personal_care", "apparel", "food_beverage")


@dataclass(frozen=True)
class Product:
    product_id: str
    name: str
    category: str
    list_price: float
    popularity: float
    #: months after the first month of the history when the product launched; None: launched years ago
    launch_month: int | None = None
    #: the model it replaces; lines that pick a product before its launch buy this one instead
    predecessor: str | None = None


# Gross margin by category: electronics thin, apparel and personal care fat.
CATEGORY_MARGIN: dict[str, float] = {
    "electronics": 0.20,
    "home_appliances": 0.28,
    "personal_care": 0.55,
    "apparel": 0.60,
    "food_beverage": 0.35,
}

PRODUCTS: tuple[Product, ...] = (
    Product("P01", "Nova X5 Smartphone", "electronics", 3999, 1.4),
    Product("P02", "Nova X6 Smartphone", "electronics", 4499, 1.6, launch_month=14, predecessor="P01"),
    Product("P03", "Nova Lite 5G Smartphone", "electronics", 1999, 1.6),
    Product("P04", "AirBeat Pro Earbuds", "electronics", 899, 1.5),
    Product("P05", "AirBeat Lite Earbuds", "electronics", 299, 1.8),
    Product("P06", "Pulse S3 Smartwatch", "electronics", 1299, 1.2),
    Product("P07", "PadMate 11 Tablet", "electronics", 2999, 0.9),
    Product("P08", "BookAir 14 Laptop", "electronics", 5999, 0.6),
    Product("P09", "CleanBot R7 Robot Vacuum", "home_appliances", 2499, 1.2),
    Product("P10", "CleanBot R9 Robot Vacuum", "home_appliances", 3299, 1.2, launch_month=20, predecessor="P09"),
    Product("P11", "PureAir 600 Air Purifier", "home_appliances", 1599, 1.1),
    Product("P12", "SmartRice 4L Rice Cooker", "home_appliances", 399, 1.8),
    Product("P13", "FreshKeep 450L Refrigerator", "home_appliances", 3999, 0.7),
    Product("P14", "CoolBreeze 1.5HP Air Conditioner", "home_appliances", 3299, 0.8),
    Product("P15", "AquaWash 10kg Washing Machine", "home_appliances", 2799, 0.8),
    Product("P16", "SteamPro Garment Steamer", "home_appliances", 299, 1.5),
    Product("P17", "SonicSmile Electric Toothbrush", "personal_care", 299, 1.6),
    Product("P18", "SonicSmile Pro Toothbrush", "personal_care", 499, 1.4, launch_month=8, predecessor="P17"),
    Product("P19", "SilkWind Hair Dryer", "personal_care", 599, 1.4),
    Product("P20", "EdgeCut Electric Shaver", "personal_care", 399, 1.2),
    Product("P21", "GlowSkin Essentials Set", "personal_care", 499, 1.3),
    Product("P22", "RelaxPro Massage Gun", "personal_care", 699, 0.9),
    Product("P23", "HydraMist Facial Steamer", "personal_care", 259, 0.8),
    Product("P24", "CalmSleep Aroma Diffuser", "personal_care", 199, 1.0),
    Product("P25", "Urban Down Jacket", "apparel", 1299, 1.0),
    Product("P26", "Trail Runner Sneakers", "apparel", 599, 1.5),
    Product("P27", "Everyday Cotton T-Shirt", "apparel", 129, 2.0),
    Product("P28", "Slim Fit Jeans", "apparel", 299, 1.5),
    Product("P29", "Windbreaker Light Jacket", "apparel", 499, 1.1),
    Product("P30", "Merino Wool Sweater", "apparel", 699, 0.9),
    Product("P31", "Yoga Active Leggings", "apparel", 259, 1.2, launch_month=25, predecessor="P28"),
    Product("P32", "Canvas Weekender Bag", "apparel", 399, 0.8),
    Product("P33", "West Lake Longjing Tea Gift Box", "food_beverage", 298, 1.4),
    Product("P34", "Yunnan Single-Origin Coffee Beans", "food_beverage", 128, 1.6),
    Product("P35", "Daily Mixed Nuts (30 packs)", "food_beverage", 98, 2.0),
    Product("P36", "Premium Mooncake Gift Set", "food_beverage", 268, 0.9),
    Product("P37", "Organic Infant Milk Powder", "food_beverage", 358, 1.2),
    Product("P38", "Ningxia Goji Berry Pack", "food_beverage", 88, 1.2),
    Product("P39", "Sparkling Fruit Water (24 cans)", "food_beverage", 79, 1.5),
    Product("P40", "Aged Pu'er Tea Cake", "food_beverage", 458, 0.7),
)


@dataclass(frozen=True)
class Channel:
    channel_id: str
    name: str
    kind: str
    type: str
    partner_name: str | None
    #: unit price as a share of list price (indirect partners buy at a wholesale price: lower margin)
    price_factor: float
    #: share of orders through this channel that carry a sales rep
    rep_share: float
    #: monthly marketing spend as a share of the channel's revenue
    marketing_rate: float


CHANNELS: tuple[Channel, ...] = (
    Channel("CH01", "Flagship stores", "direct", "own_store", None, 1.0, 0.95, 0.03),
    Channel("CH02", "Official online store", "direct", "online_store", None, 1.0, 0.5, 0.08),
    Channel("CH03", "Direct sales team", "direct", "sales_team", None, 1.0, 1.0, 0.01),
    Channel("CH04", "Tmall flagship store", "indirect", "marketplace", "Tmall (Alibaba)", 0.92, 0.35, 0.10),
    Channel("CH05", "JD.com store", "indirect", "marketplace", "JD.com", 0.92, 0.35, 0.09),
    Channel("CH06", "Huadong distributor", "indirect", "distributor", "Huadong Trading Co., Ltd.", 0.78, 1.0, 0.02),
    Channel("CH07", "West China distributor", "indirect", "distributor",
            "Chengdu Tianfu Supply Chain Co., Ltd.", 0.78, 1.0, 0.02),
    Channel("CH08", "Solution partners", "indirect", "partner", "Shenzhen Zhicheng Technology Co., Ltd.", 0.85,
            1.0, 0.02),
)

#: Teams and the regions they cover; Key Accounts serves large and enterprise companies everywhere.
TEAMS: tuple[str, ...] = ("North", "East", "South", "West", "Key Accounts")
TEAM_REGIONS: dict[str, tuple[str, ...]] = {
    "North": ("north", "northeast"),
    "East": ("east", "central"),
    "South": ("south",),
    "West": ("southwest", "northwest"),
    "Key Accounts": (),
}

#: Planted behavioural groups of customers (truth 1), in a fixed order: codes 0..3 internally.
GROUPS: tuple[str, ...] = ("vip", "bargain_hunter", "occasional_big", "dormant")

#: Revenue seasonality by calendar month (before growth): Spring Festival dip in February, 618 in June,
#: Double 11 in November, the year-end peak in December. Mean about 1.0.
SEASONALITY: dict[int, float] = {
    1: 0.93, 2: 0.66, 3: 0.88, 4: 0.90, 5: 0.95, 6: 1.06,
    7: 0.90, 8: 0.92, 9: 0.98, 10: 1.00, 11: 1.30, 12: 1.62,
}

#: Yearly revenue growth of the company's demand.
ANNUAL_GROWTH = 0.15

COMPETITORS: tuple[str, ...] = ("Huaxing", "Meida", "Lianchuang", "Others")
OUR_BRAND = "Our brand"


@dataclass(frozen=True)
class CampaignPlan:
    """One campaign of the yearly calendar, repeated every year of the history."""

    slug: str
    name: str
    type: str
    month: int
    day: int
    days: int
    product_id: str
    channel_id: str
    discount: float
    deposit: float
    target_segment: str
    #: reservations at scale 1
    reservations: int


# Eight campaigns a year, anchored on the Chinese retail calendar.
CAMPAIGN_CALENDAR: tuple[CampaignPlan, ...] = (
    CampaignPlan("cny", "Spring Festival Gift Sale", "limited_discount", 1, 8, 14, "P33", "CH02", 0.15, 20,
                 "all_customers", 150),
    CampaignPlan("womens_day", "Women's Day Members Week", "member_only", 3, 1, 8, "P21", "CH02", 0.20, 50,
                 "members", 110),
    CampaignPlan("618_presale", "618 Presale", "online_presale", 5, 24, 26, "P03", "CH04", 0.10, 100,
                 "all_customers", 190),
    CampaignPlan("618_members", "618 Members Early Access", "member_only", 6, 1, 18, "P11", "CH02", 0.15, 100,
                 "members", 120),
    CampaignPlan("mid_autumn", "Mid-Autumn Store Presale", "offline_presale", 8, 22, 21, "P36", "CH01", 0.10,
                 30, "all_customers", 150),
    CampaignPlan("d11_presale", "Double 11 Presale", "online_presale", 10, 20, 23, "P04", "CH05", 0.12, 100,
                 "young_professionals", 220),
    CampaignPlan("d11_store", "Double 11 In-Store Presale", "offline_presale", 10, 25, 18, "P09", "CH01", 0.10,
                 200, "all_customers", 150),
    CampaignPlan("d12", "Double 12 Presale", "online_presale", 11, 25, 17, "P26", "CH02", 0.20, 30,
                 "new_customers", 130),
)

#: Deposit-to-final-payment conversion by campaign type (truth 7).
CONVERSION_BY_TYPE: dict[str, float] = {
    "member_only": 0.80,
    "online_presale": 0.62,
    "offline_presale": 0.56,
    "limited_discount": 0.52,
}

INDUSTRIES: tuple[str, ...] = ("manufacturing", "retail", "technology", "hospitality", "education",
                               "healthcare", "logistics", "finance")
COMPANY_SIZES: tuple[str, ...] = ("small", "medium", "large", "enterprise")
OCCUPATIONS: tuple[str, ...] = ("white_collar", "blue_collar", "student", "self_employed", "retired",
                                "civil_servant")
INCOME_BANDS: tuple[str, ...] = ("low", "lower_middle", "middle", "upper_middle", "high")
LOST_REASONS: tuple[str, ...] = ("price", "competitor", "no_budget", "timing", "no_response", "product_fit")
LEAD_SOURCES: tuple[str, ...] = ("website", "referral", "trade_show", "cold_call", "social_media",
                                 "presale_campaign")
COMPLAINT_CATEGORIES: tuple[str, ...] = ("delivery", "product_quality", "billing", "service", "returns")
ACTIVITY_OUTCOMES: tuple[str, ...] = ("completed", "no_answer", "follow_up", "positive", "negative")
FEEDBACK_CHANNELS: tuple[str, ...] = ("app", "sms", "phone", "store", "wechat")
TARGET_SEGMENTS: tuple[str, ...] = ("all_customers", "members", "new_customers", "young_professionals")

# Pinyin names. Surnames weighted roughly by their frequency in China.
SURNAMES: tuple[tuple[str, float], ...] = (
    ("Wang", 7.1), ("Li", 7.0), ("Zhang", 6.8), ("Liu", 5.4), ("Chen", 4.6), ("Yang", 3.1), ("Huang", 2.4),
    ("Zhao", 2.3), ("Wu", 2.1), ("Zhou", 2.1), ("Xu", 1.6), ("Sun", 1.5), ("Ma", 1.5), ("Zhu", 1.3),
    ("Hu", 1.3), ("Guo", 1.2), ("He", 1.2), ("Gao", 1.1), ("Lin", 1.1), ("Luo", 1.0), ("Zheng", 1.0),
    ("Liang", 0.9), ("Xie", 0.8), ("Song", 0.7), ("Tang", 0.7), ("Han", 0.6), ("Feng", 0.6), ("Deng", 0.6),
    ("Cao", 0.6), ("Peng", 0.6), ("Zeng", 0.5), ("Xiao", 0.5), ("Tian", 0.5), ("Dong", 0.5), ("Pan", 0.5),
    ("Yuan", 0.5), ("Cai", 0.4), ("Jiang", 0.4), ("Yu", 0.4), ("Du", 0.4), ("Ye", 0.4), ("Cheng", 0.4),
    ("Wei", 0.4), ("Su", 0.4), ("Lv", 0.3), ("Ding", 0.3), ("Ren", 0.3), ("Shen", 0.3), ("Yao", 0.3),
)
GIVEN_NAMES: tuple[str, ...] = (
    "Lei", "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Jun", "Yang", "Yan", "Tao", "Ming", "Chao",
    "Xiuying", "Xiaoming", "Haoran", "Zihan", "Yuxuan", "Yutong", "Xinyi", "Jiahao", "Hao", "Yu", "Xin",
    "Jie", "Hui", "Ping", "Gang", "Hua", "Bo", "Lin", "Dan", "Ling", "Yun", "Peng", "Fei", "Kai", "Rui",
    "Ting", "Qian", "Xue", "Mei", "Juan", "Yong", "Hong", "Bin", "Long", "Shuang", "Wen", "Zhen", "Chen",
    "Yifan", "Zixuan", "Ruoxi", "Mingyu", "Haoyu", "Shiyu", "Jiayi", "Zhiwei", "Jianguo", "Guilan",
)
COMPANY_WORDS: tuple[str, ...] = (
    "Huatai", "Jinhai", "Tianyu", "Hengtong", "Ruifeng", "Xinda", "Zhongke", "Longsheng", "Baiyun", "Haoyuan",
    "Fuxing", "Jiahe", "Minghui", "Yongli", "Chuangxin", "Dongfang", "Huamei", "Kaiyuan", "Shengshi", "Wanjia",
    "Xinghe", "Yuanda", "Zhenghe", "Boya", "Guangming", "Hongda", "Jiuzhou", "Lianhua", "Taiping", "Weilai",
)
INDUSTRY_WORDS: dict[str, str] = {
    "manufacturing": "Industrial", "retail": "Retail", "technology": "Technology", "hospitality": "Hotels",
    "education": "Education", "healthcare": "Medical", "logistics": "Logistics", "finance": "Financial Services",
}
COMPANY_SUFFIXES: tuple[str, ...] = ("Co., Ltd.", "Group Co., Ltd.", "Holdings Co., Ltd.", "Co., Ltd.")

# Short feedback comments: (topic, sentiment, language) -> sentences. Sentiment follows the NPS class.
FEEDBACK_TOPICS: tuple[str, ...] = ("price", "delivery", "quality", "service", "app")
FEEDBACK_TEMPLATES: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("price", "positive", "en"): ("Great value for the price.", "Good deal during the promotion.",
                                  "Fair price, worth every yuan."),
    ("price", "positive", "zh"): ("性价比很高。", "活动价很划算。", "价格实惠，物有所值。"),
    ("price", "neutral", "en"): ("Price is okay, nothing special.", "A bit pricey but acceptable."),
    ("price", "neutral", "zh"): ("价格还行，一般。", "稍微有点贵，但可以接受。"),
    ("price", "negative", "en"): ("Too expensive compared with other brands.",
                                  "The price dropped right after I bought it.", "Not worth the money."),
    ("price", "negative", "zh"): ("比其他品牌贵太多了。", "刚买完就降价了。", "不值这个价。"),
    ("delivery", "positive", "en"): ("Fast delivery, arrived the next day.", "Well packed and on time."),
    ("delivery", "positive", "zh"): ("物流很快，第二天就到了。", "包装很好，准时送达。"),
    ("delivery", "neutral", "en"): ("Delivery took a few days longer than expected.",),
    ("delivery", "neutral", "zh"): ("配送比预期慢了几天。",),
    ("delivery", "negative", "en"): ("Delivery was very slow.", "The box arrived damaged.",
                                     "Courier never called before delivery."),
    ("delivery", "negative", "zh"): ("发货太慢了。", "收到时箱子破损了。", "快递员送货前没打电话。"),
    ("quality", "positive", "en"): ("Excellent quality, works perfectly.", "Better quality than I expected."),
    ("quality", "positive", "zh"): ("质量很好，用起来很顺手。", "质量超出预期。"),
    ("quality", "neutral", "en"): ("Quality is fine for daily use.",),
    ("quality", "neutral", "zh"): ("日常使用质量还可以。",),
    ("quality", "negative", "en"): ("Stopped working after two weeks.", "Poor quality, feels cheap.",
                                    "Had to return it because of a defect."),
    ("quality", "negative", "zh"): ("用了两周就坏了。", "做工粗糙，质量差。", "有质量问题，只能退货。"),
    ("service", "positive", "en"): ("Very helpful customer service.",
                                    "The sales rep was patient and professional."),
    ("service", "positive", "zh"): ("客服很热情，解决问题很快。", "销售顾问很专业，很有耐心。"),
    ("service", "neutral", "en"): ("Service was okay.",),
    ("service", "neutral", "zh"): ("服务一般。",),
    ("service", "negative", "en"): ("Customer service did not solve my problem.", "Waited too long for a reply."),
    ("service", "negative", "zh"): ("客服没有解决我的问题。", "等回复等了太久。"),
    ("app", "positive", "en"): ("The app is easy to use.", "Ordering on the mini program was smooth."),
    ("app", "positive", "zh"): ("App 很好用。", "小程序下单很流畅。"),
    ("app", "neutral", "en"): ("The website works but could be faster.",),
    ("app", "neutral", "zh"): ("网站能用，但可以再快一点。",),
    ("app", "negative", "en"): ("The app keeps crashing at checkout.",
                                "Could not apply the coupon on the website."),
    ("app", "negative", "zh"): ("App 结账时老是闪退。", "网站上用不了优惠券。"),
}
