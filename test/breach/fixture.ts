import type { BreachInput } from '../../src/breach/breach-service.ts';

/** A breach as a DPO would record it, in both languages. */
export const BREACH: BreachInput = {
  foundAt: '2026-12-07T03:30:00.000Z',
  occurred: 'Between 1 and 5 December 2026, on our billing server in Delhi',
  dataAffected: 'Names, mobile numbers and water-bill amounts',
  peopleAffected: 'About 10,000 consumers of Zone 4',
  notice: {
    en: {
      what: 'A copy of our billing records was reached by an unknown person through a misconfigured server.',
      consequences: 'You may receive calls or messages pretending to be from us and asking for payment.',
      mitigation: 'We closed the server, changed every password and informed CERT-In.',
      safety: 'Do not pay anyone who calls you; pay only at our offices or on our website. We never ask for your OTP.',
    },
    hi: {
      what: 'गलत ढंग से कॉन्फ़िगर किए गए एक सर्वर के माध्यम से किसी अज्ञात व्यक्ति ने हमारे बिलिंग रिकॉर्ड की प्रति तक पहुँच बना ली।',
      consequences: 'आपको हमारे नाम से भुगतान माँगने वाले फ़ोन या संदेश आ सकते हैं।',
      mitigation: 'हमने सर्वर बंद कर दिया है, सभी पासवर्ड बदल दिए हैं और सर्ट-इन को सूचित कर दिया है।',
      safety: 'फ़ोन करने वाले किसी व्यक्ति को भुगतान न करें; भुगतान केवल हमारे कार्यालयों या वेबसाइट पर करें। हम कभी आपका ओटीपी नहीं माँगते।',
    },
  },
};
