/**
 * The widget's words in Arabic (Modern Standard Arabic), written right to left: `dir: 'rtl'` mirrors the widget's
 * layout. The wait is counted with `Intl` (its long unit names), which knows Arabic's dual and plural forms
 * ("دقيقتان", "3 دقائق", "11 دقيقة"). A chunk of its own, loaded only for visitors whose language it is.
 * @module
 */
import type { Catalog } from './en.js';

const minutesFormat = new Intl.NumberFormat('ar', { style: 'unit', unit: 'minute', unitDisplay: 'long' });

/** Arabic. */
export const ar: Catalog = {
  lang: 'ar',
  dir: 'rtl',
  title: 'تواصل معنا',
  greeting: 'مرحبًا! كيف يمكننا مساعدتك؟',
  open: 'فتح المحادثة',
  close: 'إغلاق المحادثة',
  composer: 'الرسالة',
  placeholder: 'اكتب رسالة…',
  send: 'إرسال',
  log: 'الرسائل',
  you: 'أنت',
  agent: 'موظف الدعم',
  bot: 'المساعد',
  typing: 'موظف الدعم يكتب…',
  botTyping: ' يكتب…',
  human: 'التحدث إلى موظف',
  sources: 'المصادر',
  queued: 'في انتظار انضمام أحد موظفينا…',
  queue: (position, minutes) =>
    `ترتيبك في قائمة الانتظار: ${position}.${minutes === null ? '' : ` عادةً خلال ${minutesFormat.format(minutes)}.`}`,
  alreadyHuman: 'أنت تتحدث بالفعل مع فريقنا.',
  humanFailed: 'تعذّر الوصول إلى موظف',
  sending: 'جارٍ الإرسال…',
  waiting: 'لم تُرسل بعد: في انتظار الاتصال',
  offline: 'أنت غير متصل. ستُرسل رسائلك عند عودة الاتصال.',
  connectionFailed: 'تعذّر الاتصال بالمحادثة',
  notSent: 'لم تُرسل الرسالة',
  newMessages: 'رسائل جديدة',
  // Arabic counts in four forms: one, two, three to ten (and 103–110…), and the rest.
  unread: (count) =>
    count === 1
      ? 'رسالة جديدة'
      : count === 2
        ? 'رسالتان جديدتان'
        : count % 100 >= 3 && count % 100 <= 10
          ? `${count} رسائل جديدة`
          : `${count} رسالة جديدة`,
  newFrom: (name) => `رسالة جديدة من ${name}`,
  rate: 'ما تقييمك لهذه المحادثة؟',
  stars: 'التقييم',
  star: (score) => `${score} من 5`,
  comment: 'هل لديك ما تضيفه؟ (اختياري)',
  sendRating: 'إرسال التقييم',
  rateFailed: 'تعذّر إرسال تقييمك. حاول مرة أخرى.',
  transcript: 'أرسل لي هذه المحادثة بالبريد الإلكتروني',
  transcriptEmail: 'بريدك الإلكتروني',
  emailPlaceholder: 'name@example.com',
  transcriptSent: (email) => `أُرسلت إلى ${email}.`,
  contact: 'اترك بيانات التواصل',
  email: 'البريد الإلكتروني',
  phone: 'الهاتف (اختياري)',
  contactEmpty: 'أدخل بريدًا إلكترونيًا أو رقم هاتف.',
  attach: 'إرفاق ملفات',
  uploading: 'جارٍ إرسال ملفاتك…',
  fileNotSent: 'لم تُرسل الملفات',
  tooManyFiles: (count: number) => `${count} ملفات على الأكثر في المرة الواحدة.`,
  fileTooLarge: (name: string, megabytes: number) => `${name} أكبر من ${megabytes} ميغابايت.`,
  newConversation: 'بدء محادثة جديدة',
  pastConversations: 'المحادثات السابقة',
  backToChat: 'العودة إلى الدردشة',
  allConversations: 'كل المحادثات',
  noMessages: 'لا توجد رسائل',
  loading: 'جارٍ التحميل…',
  loadFailed: 'تعذّر تحميلها',
  dismiss: 'إغلاق الرسالة',
  topics: 'كيف يمكننا مساعدتك؟',
  preChat: 'قبل أن نبدأ، عرّفنا بنفسك.',
  preChatName: 'الاسم',
  preChatEmail: 'البريد الإلكتروني',
  preChatPhone: 'الهاتف',
  preChatRequired: 'مطلوب',
  nameMissing: 'أدخل اسمك.',
  emailMissing: 'أدخل بريدك الإلكتروني.',
  phoneMissing: 'أدخل رقم هاتفك.',
  emailInvalid: 'هذا ليس بريدًا إلكترونيًا.',
  phoneInvalid: 'هذا ليس رقم هاتف.',
  preChatStart: 'ابدأ المحادثة',
  preChatDone: 'شكرًا! اكتب رسالتك أدناه.',
};
